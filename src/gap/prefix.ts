// Abbreviated commit ids meet full ones (a `Fixes: 1234567890ab` tag against a 40-digit sha, or a full
// `commit <sha> upstream.` against a candidate): a small index keyed by the first 7 digits, matching either way.
export class PrefixIndex<T> {
  private readonly map = new Map<string, { id: string; value: T }[]>();

  add(id: string, value: T): void {
    const k = id.slice(0, 7).toLowerCase();
    const list = this.map.get(k);
    const entry = { id: id.toLowerCase(), value };
    if (list) list.push(entry);
    else this.map.set(k, [entry]);
  }

  /** Values whose id is a prefix of `id`, or of which `id` is a prefix. */
  find(id: string): T[] {
    const lower = id.toLowerCase();
    const list = this.map.get(lower.slice(0, 7));
    if (!list) return [];
    return list.filter((e) => e.id.startsWith(lower) || lower.startsWith(e.id)).map((e) => e.value);
  }

  get size(): number {
    return this.map.size;
  }
}

const SHA = '[0-9a-f]{7,40}';
const FIXES_RE = new RegExp(`^\\s*Fixes:\\s*(${SHA})\\b`, 'gim');
const UPSTREAM_RES = [
  new RegExp(`\\bcommit (${SHA}) upstream\\b`, 'gi'),
  new RegExp(`\\[\\s*[Uu]pstream commit (${SHA})\\s*\\]`, 'g'),
  new RegExp(`\\(cherry[- ]picked from commit (${SHA})\\)`, 'gi'),
];
const REVERT_RE = new RegExp(`This reverts commit (${SHA})`, 'i');

export function fixesTags(body: string): string[] {
  return body.includes('ixes:') ? [...body.matchAll(FIXES_RE)].map((m) => m[1].toLowerCase()) : [];
}

/** Upstream commits a backport names (`commit <sha> upstream.`, `[ Upstream commit <sha> ]`, cherry-pick lines). */
export function upstreamRefs(body: string): string[] {
  if (!/ommit/.test(body)) return [];
  const out = new Set<string>();
  for (const re of UPSTREAM_RES) for (const m of body.matchAll(re)) out.add(m[1].toLowerCase());
  return [...out];
}

export function revertTarget(body: string): string | undefined {
  return body.includes('reverts commit') ? REVERT_RE.exec(body)?.[1].toLowerCase() : undefined;
}
