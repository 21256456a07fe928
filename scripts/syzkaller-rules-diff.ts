// Compares kdk's oops table (src/report/rules.ts) entry by entry with syzkaller's (pkg/report/linux.go at the
// corpus commit), rather than case by case: every header, title format and suppression syzkaller has and kdk
// lacks, and what kdk adds. Reads linux.go from a path (kdk does not ship syzkaller's code):
//
//   git -C syzkaller show 1e72964b:pkg/report/linux.go > /tmp/linux.go
//   npx tsx scripts/syzkaller-rules-diff.ts /tmp/linux.go
//
// Exit 1 when syzkaller has a header, format or suppression kdk lacks and kdk's KNOWN_DIFFERENCES below does
// not explain it.
import { readFileSync } from 'node:fs';
import { CORRUPTED_TITLES, LINUX_OOPSES, STALL_ANCHOR_FRAMES } from '../src/report/rules.js';

interface Format {
  title: string;
  report?: string;
  fmt: string;
}
interface Oops {
  header: string;
  formats: Format[];
  suppressions: string[];
}

/**
 * syzkaller's entries kdk leaves out on purpose, each with the reason (keyed `header` or `header | fmt`, or
 * `header | suppression: ...`).
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

/** The Go string literals (interpreted or raw) in `src`, in order, with their offsets. */
function goStrings(src: string): { value: string; at: number; end: number }[] {
  const out: { value: string; at: number; end: number }[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      i = src.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      out.push({ value: src.slice(i + 1, end), at: i, end: end + 1 });
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out.push({
        value: JSON.parse(src.slice(i, j + 1).replace(/\\x([0-9a-f]{2})/gi, '\\u00$1')) as string,
        at: i,
        end: j + 1,
      });
      i = j;
    }
  }
  return out;
}

/** The text from `open` (an opening brace) to its matching close, strings and comments skipped. */
function block(src: string, open: number): string {
  let depth = 0;
  const strs = goStrings(src.slice(open));
  let s = 0;
  for (let i = open; i < src.length; i++) {
    while (s < strs.length && strs[s].end + open <= i) s++;
    if (s < strs.length && strs[s].at + open === i) {
      i = strs[s].end + open - 1;
      continue;
    }
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(open, i + 1);
  }
  throw new Error('unbalanced braces');
}

/** A field's string value in a Go composite literal (`fmt: "..."`, `title: compile("...")`). */
function field(text: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}:\\s*(?:compile\\()?`).exec(text);
  if (!m) return undefined;
  return concatenated(text.slice(m.index + m[0].length));
}

/** The value of a string expression at the start of `text`: one literal, or several joined with `+`. */
function concatenated(text: string): string | undefined {
  if (text[0] !== '"' && text[0] !== '`') return undefined;
  const strs = goStrings(text);
  let value = strs[0].value;
  let end = strs[0].end;
  for (let i = 1; i < strs.length && /^\s*\+\s*$/.test(text.slice(end, strs[i].at)); i++) {
    value += strs[i].value;
    end = strs[i].end;
  }
  return value;
}

export function parseLinuxGo(src: string): Oops[] {
  const start = src.indexOf('var linuxOopses = append([]*oops{');
  const body = block(src, src.indexOf('{', start));
  const oopses: Oops[] = [];
  const re = /\[\]byte\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const header = goStrings(body.slice(m.index + m[0].length))[0].value;
    const fOpen = body.indexOf('[]oopsFormat{', m.index) + '[]oopsFormat'.length;
    const formatsText = block(body, fOpen);
    const formats: Format[] = [];
    for (let i = 1; i < formatsText.length - 1; i++) {
      if (formatsText[i] !== '{') continue;
      const f = block(formatsText, i);
      const title = field(f, 'title');
      const fmt = field(f, 'fmt');
      if (title !== undefined && fmt !== undefined) formats.push({ title, fmt, report: field(f, 'report') });
      i += f.length - 1;
    }
    const after = body.slice(fOpen + formatsText.length);
    const sOpen = after.indexOf('[]*regexp.Regexp{') + '[]*regexp.Regexp'.length;
    const suppText = block(after, sOpen);
    const suppressions = [...suppText.matchAll(/compile\(/g)].map(
      (c) => concatenated(suppText.slice((c.index ?? 0) + c[0].length)) ?? '',
    );
    oopses.push({ header, formats, suppressions });
    re.lastIndex = fOpen + formatsText.length;
  }
  return oopses;
}

/** Pattern text compared modulo the regex dialects: POSIX classes, Go's escapes, kdk's JS escapes. */
const normRe = (s: string) =>
  s
    .replace(/\n/g, '\\n')
    .replace(/\[\[:space:\]\]/g, '\\s')
    .replace(/\\-/g, '-')
    .replace(/\\\//g, '/')
    .replace(/\s+/g, ' ');

/** The patterns of a `var NAME = []*regexp.Regexp{ compile(...), ... }` table. */
export function goRegexpList(src: string, name: string): string[] {
  const at = src.indexOf(`var ${name} = []*regexp.Regexp{`);
  if (at < 0) return [];
  const text = block(src, src.indexOf('{', at));
  return [...text.matchAll(/(?:compile|regexp\.MustCompile)\(/g)].map(
    (c) => concatenated(text.slice((c.index ?? 0) + c[0].length)) ?? '',
  );
}

/** The same comparison for a plain list of patterns (stall anchors, corrupted titles). */
export function diffList(what: string, syz: string[], ours: string[]): string[] {
  const out: string[] = [];
  const o = new Set(ours.map(normRe));
  const s = new Set(syz.map(normRe));
  for (const p of syz) if (!o.has(normRe(p))) out.push(`missing ${what}: ${JSON.stringify(p)}`);
  for (const p of ours) if (!s.has(normRe(p))) out.push(`kdk only  ${what}: ${JSON.stringify(p)}`);
  return out;
}

export function diff(syz: Oops[], lists: { anchors: string[]; corruptedTitles: string[] }): string[] {
  const out: string[] = [];
  const ours = new Map(LINUX_OOPSES.map((o) => [o.header, o]));
  const explained = (key: string, line: string) => {
    const why = KNOWN_DIFFERENCES[key];
    out.push(why ? `  (known) ${line}: ${why}` : line);
    return why === undefined;
  };
  let missing = 0;
  for (const o of syz) {
    const k = ours.get(o.header);
    if (!k) {
      if (explained(o.header, `missing header ${JSON.stringify(o.header)} (${o.formats.length} formats)`)) missing++;
      continue;
    }
    const kf = k.formats.map((f) => ({ ...f, key: `${normRe(f.title)}\0${f.fmt}` }));
    const matched = new Set<number>();
    o.formats.forEach((f, idx) => {
      const key = `${normRe(f.title)}\0${f.fmt}`;
      const exact = kf.findIndex((x, i) => !matched.has(i) && x.key === key);
      if (exact >= 0) {
        matched.add(exact);
        const kr = kf[exact].report;
        if (normRe(kr ?? '') !== normRe(f.report ?? '')) {
          out.push(
            `differs ${o.header} #${idx} ${JSON.stringify(f.fmt)}: report ${JSON.stringify(f.report)} vs kdk ${JSON.stringify(kr)}`,
          );
        }
        return;
      }
      const line = `missing format ${JSON.stringify(o.header)} #${idx}: title ${JSON.stringify(f.title)} fmt ${JSON.stringify(f.fmt)}`;
      if (explained(`${o.header} | ${f.fmt}`, line)) missing++;
    });
    kf.forEach((f, i) => {
      if (!matched.has(i))
        out.push(
          `kdk only  ${JSON.stringify(o.header)}: title ${JSON.stringify(f.title)} fmt ${JSON.stringify(f.fmt)}`,
        );
    });
    const ks = new Set(k.suppressions.map(normRe));
    for (const s of o.suppressions) {
      if (ks.has(normRe(s))) continue;
      if (
        explained(
          `${o.header} | suppression: ${s}`,
          `missing suppression ${JSON.stringify(o.header)}: ${JSON.stringify(s)}`,
        )
      )
        missing++;
    }
    const ss = new Set(o.suppressions.map(normRe));
    for (const s of k.suppressions)
      if (!ss.has(normRe(s))) out.push(`kdk only  suppression ${JSON.stringify(o.header)}: ${JSON.stringify(s)}`);
  }
  const syzHeaders = new Set(syz.map((o) => o.header));
  for (const o of LINUX_OOPSES) if (!syzHeaders.has(o.header)) out.push(`kdk only  header ${JSON.stringify(o.header)}`);
  for (const [what, theirs, ours] of [
    ['stall anchor', lists.anchors, STALL_ANCHOR_FRAMES],
    ['corrupted title', lists.corruptedTitles, CORRUPTED_TITLES],
  ] as const) {
    const d = diffList(what, theirs, ours);
    missing += d.filter((l) => l.startsWith('missing')).length;
    out.push(...d);
  }
  out.push(`${missing} unexplained entries of syzkaller's table missing from kdk's`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('syzkaller-rules-diff.ts')) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npx tsx scripts/syzkaller-rules-diff.ts LINUX.GO\n');
    process.exit(2);
  }
  const src = readFileSync(file, 'utf8');
  const lines = diff(parseLinuxGo(src), {
    anchors: goRegexpList(src, 'linuxStallAnchorFrames'),
    corruptedTitles: goRegexpList(src, 'linuxCorruptedTitles'),
  });
  process.stdout.write(lines.join('\n') + '\n');
  process.exitCode = /^0 unexplained/.test(lines[lines.length - 1]) ? 0 : 1;
}
