// Kernel version strings as the CVE team's dyad files and users write them, and their order.
// Mainline releases are `M.m` (or `2.6.N` before 3.0) with an optional `-rcN`; stable releases add one more
// number (`6.1.78`, `2.6.32.19`). Mainline order puts every -rc of a release before the release itself.
import { inputError } from '../util/errors.js';

export type Version =
  | { kind: 'mainline'; base: number[]; rc: number; text: string }
  | { kind: 'stable'; base: number[]; patch: number; text: string };

const BASE = String.raw`(2\.6\.\d+|(?:[3-9]|[1-9]\d+)\.\d+)`;
const MAINLINE_RE = new RegExp(`^${BASE}(?:-rc(\\d+))?$`);
const STABLE_RE = new RegExp(`^${BASE}\\.(\\d+)$`);

const memo = new Map<string, Version | undefined>();

/** The version, or undefined when the text is not a kernel release number. "0" (unknown) is not a version. */
export function parseVersion(text: string): Version | undefined {
  if (memo.has(text)) return memo.get(text);
  const v = parse(text);
  if (memo.size < 100_000) memo.set(text, v);
  return v;
}

function parse(text: string): Version | undefined {
  const m = MAINLINE_RE.exec(text);
  if (m) return { kind: 'mainline', base: m[1].split('.').map(Number), rc: m[2] ? Number(m[2]) : 0, text };
  const s = STABLE_RE.exec(text);
  if (s) return { kind: 'stable', base: s[1].split('.').map(Number), patch: Number(s[2]), text };
  return undefined;
}

/** A user's `--kernel` value: `6.1.192`, `v6.1`, `6.1-rc3`; `6.1.0` means the release 6.1. */
export function parseKernelArg(text: string, flag = '--kernel'): Version {
  const t = text.trim().replace(/^v/, '');
  const zero = /^(.*)\.0$/.exec(t);
  const v = parseVersion(zero && parseVersion(zero[1])?.kind === 'mainline' ? zero[1] : t);
  if (!v) {
    throw inputError(
      `${flag} ${JSON.stringify(text)} is not a kernel version (expected e.g. 6.1.192, 6.1, 6.8-rc3, 2.6.32.19)`,
    );
  }
  return v;
}

export function branchOf(v: Version): string {
  return v.base.join('.');
}

export function compareBase(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Mainline release order: 6.1-rc1 < 6.1-rc8 < 6.1 < 6.2-rc1. */
export function compareMainline(a: Version, b: Version): number {
  const d = compareBase(a.base, b.base);
  if (d !== 0) return d;
  const rank = (v: Version) => (v.kind === 'mainline' && v.rc > 0 ? v.rc : Number.MAX_SAFE_INTEGER);
  return rank(a) - rank(b);
}

/** Is mainline version `v` contained in the release that a stable branch `base` forked from? */
export function inRelease(v: Version, base: number[]): boolean {
  return v.kind === 'mainline' && compareBase(v.base, base) <= 0;
}
