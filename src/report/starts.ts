// The text a console line starts with when it starts a crash report, for other stages that look for quoted
// oops lines (the gap stage reads them in CVE descriptions): every oops header of the rules, and the literal
// start of every title the rules give (`possible deadlock in`, `KASAN: `), since descriptions quote either.
import { REPORT_START_IGNORE_RES, matchOops, matchesAny } from './compiled.js';
import { LINUX_OOPSES } from './rules.js';

let starts: string[] | undefined;

/** Longest first, so that a regex alternation built from them prefers the full text. */
export function oopsLineStarts(): string[] {
  if (starts) return starts;
  const set = new Set<string>();
  for (const o of LINUX_OOPSES) {
    set.add(o.header);
    for (const f of o.formats) {
      const lit = f.fmt.split('%')[0];
      // Too short to mean a crash by itself (`BUG: `, or a title that starts with its capture).
      if (lit.trim().length >= 6) set.add(lit);
    }
  }
  starts = [...set].sort((a, b) => b.length - a.length);
  return starts;
}

/**
 * Whether a line that begins with one of those starts is one by the rules: a line holding an oops header must not
 * be one of its suppressions, nor (`inReport`: after another start) a line that never starts a report of its own
 * there (`invalid opcode: 0000`, `Kernel panic - not syncing`); a title's start (`possible deadlock in`) holds no
 * header and counts as it is.
 */
export function startsReport(line: string, inReport = false): boolean {
  if (!LINUX_OOPSES.some((o) => line.includes(o.header))) return true;
  return matchOops(line) !== undefined && !(inReport && matchesAny(line, REPORT_START_IGNORE_RES));
}
