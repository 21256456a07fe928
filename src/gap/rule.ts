// Does a CVE affect one exact kernel version? Decided from its dyad lines alone (the CVE team's own reading of
// git history), per vulnerable commit:
//  - a line whose vulnerable half is a stable release of the asked branch (a bug that a stable backport brought
//    in) makes versions from that release up to, not including, its fix on the branch vulnerable (0:0 fix: all
//    later ones; equal versions: none);
//  - a mainline vulnerable commit (or 0:0, since the beginning) that the branch's base release contains is
//    inherited at the branch point, unless one of its lines shows the mainline fix in that release already;
//    the branch is then vulnerable until the first fix on the branch, or for good when none reached it;
//  - a mainline commit after the branch point, or lines of other branches, do not concern the branch.
// The lines are compiled once (at index time) into a flat array of numbers, so a query over every CVE is a
// few comparisons each.
import { type Version } from './version.js';
import type { DyadLine } from './dyad.js';

/** Numeric order of a release's base (`2.6.39` < `3.0` < `6.1`). */
export function baseKey(base: number[]): number {
  return base.length === 3 ? base[0] * 1e6 + base[1] * 1e3 + base[2] : base[0] * 1e6 + base[1] * 1e3;
}
/** Mainline release order as a number: every -rc before its release. */
export function mainlineKey(v: Version): number {
  return baseKey(v.base) * 1000 + (v.kind === 'mainline' && v.rc > 0 ? v.rc : 999);
}
export function keyText(key: number): string {
  const base = Math.floor(key / 1000);
  const rc = key % 1000;
  const [a, b, c] = [Math.floor(base / 1e6), Math.floor(base / 1e3) % 1000, base % 1000];
  return `${a}.${b}${a === 2 ? `.${c}` : ''}${rc === 999 ? '' : `-rc${rc}`}`;
}

const GROUP = 1;
const BACKPORT = 2;
const NONE = -1;

/**
 * Compile a CVE's lines: `[1, intro, mainFix, n, (branch, patch)×n]` per vulnerable commit that mainline
 * carried (intro 0: since the beginning; mainFix -1: no mainline fix), `[2, branch, start, end]` per line whose
 * bug came in through a stable backport (end -1: never fixed on that branch).
 */
export function compileDyad(lines: DyadLine[]): number[] {
  const out: number[] = [];
  const groups = new Map<string, DyadLine[]>();
  for (const l of lines) {
    if (l.vuln?.kind === 'stable') {
      const b = baseKey(l.vuln.base);
      const sameBranch = l.fix?.kind === 'stable' && baseKey(l.fix.base) === b;
      out.push(BACKPORT, b, l.vuln.patch, sameBranch ? (l.fix as { patch: number }).patch : NONE);
      continue;
    }
    const key = l.vuln ? l.vulnCommit : '0:0';
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  for (const group of groups.values()) {
    const intro = group[0].vuln ? mainlineKey(group[0].vuln) : 0;
    let mainFix = NONE;
    const fixes = new Map<number, number>();
    for (const l of group) {
      if (l.fix?.kind === 'mainline') {
        const k = mainlineKey(l.fix);
        if (mainFix === NONE || k < mainFix) mainFix = k;
      } else if (l.fix?.kind === 'stable') {
        const b = baseKey(l.fix.base);
        fixes.set(b, Math.min(fixes.get(b) ?? Infinity, l.fix.patch));
      }
    }
    out.push(GROUP, intro, mainFix, fixes.size);
    for (const [b, p] of fixes) out.push(b, p);
  }
  return out;
}

export interface Verdict {
  affected: boolean;
  /** The release from which the asked version's vulnerabilities are all fixed; undefined: no fix there. */
  fixedIn?: string;
  /** Why it is affected: `stable backport 6.1.43`, `inherited from 5.10`, `since the beginning`. */
  cause?: string;
}

/** A CVE's compiled lines: its own array, or its slice `[from, to)` of the compact index's one flat array. */
export type Code = ArrayLike<number>;

/** Verdict for a stable version (patch 0: the mainline release the branch starts from). */
export function judgeStable(code: Code, base: number[], patch: number, from = 0, to = code.length): Verdict {
  const branch = baseKey(base);
  const release = branch * 1000 + 999;
  let affected = false;
  let end = -1;
  let cause: string | undefined;
  for (let i = from; i < to;) {
    if (code[i] === BACKPORT) {
      const b = code[i + 1];
      const start = code[i + 2];
      const until = code[i + 3] === NONE ? Infinity : code[i + 3];
      i += 4;
      if (b !== branch || start > patch || patch >= until) continue;
      affected = true;
      end = Math.max(end, until);
      cause ??= `stable backport ${base.join('.')}.${start}`;
      continue;
    }
    const intro = code[i + 1];
    const mainFix = code[i + 2];
    const n = code[i + 3];
    let until = Infinity;
    for (let j = 0; j < n; j++) if (code[i + 4 + 2 * j] === branch) until = code[i + 5 + 2 * j];
    i += 4 + 2 * n;
    if (intro > release || (mainFix !== NONE && mainFix <= release) || patch >= until) continue;
    affected = true;
    end = Math.max(end, until);
    cause ??= intro === 0 ? 'since the beginning' : `inherited from ${keyText(intro)}`;
  }
  const fixedIn = affected && end !== Infinity ? `${base.join('.')}.${end}` : undefined;
  return { affected, fixedIn, cause };
}

/** Verdict for a mainline version (`6.8-rc3`, `6.8`): only mainline lines count. */
export function judgeMainline(code: Code, v: Version, from = 0, to = code.length): Verdict {
  const q = mainlineKey(v);
  let affected = false;
  let never = false;
  let last = -1;
  let cause: string | undefined;
  for (let i = from; i < to;) {
    if (code[i] === BACKPORT) {
      i += 4;
      continue;
    }
    const intro = code[i + 1];
    const mainFix = code[i + 2];
    const n = code[i + 3];
    i += 4 + 2 * n;
    if (intro > q || (mainFix !== NONE && mainFix <= q)) continue;
    affected = true;
    if (mainFix === NONE) never = true;
    last = Math.max(last, mainFix);
    cause ??= intro === 0 ? 'since the beginning' : `introduced in ${keyText(intro)}`;
  }
  return { affected, fixedIn: affected && !never ? keyText(last) : undefined, cause };
}

/** A stable version, or a mainline release (the start of its stable branch, patch 0), or an -rc (mainline). */
export function judgeCode(code: Code, v: Version, from = 0, to = code.length): Verdict {
  if (v.kind === 'stable') return judgeStable(code, v.base, v.patch, from, to);
  return v.rc === 0 ? judgeStable(code, v.base, 0, from, to) : judgeMainline(code, v, from, to);
}

/** Convenience for one CVE's parsed lines. */
export function judge(lines: DyadLine[], v: Version): Verdict {
  return judgeCode(compileDyad(lines), v);
}
