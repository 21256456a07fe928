// Which debug detector produced a crash report, read from the title the report stage's parser gives it (never
// from the raw text): each detector prints its own headline (`KASAN:`, `possible deadlock in`...), and the
// parser's title keeps it. A title no detector owns (a plain oops, a hang, a WARNING) is caught by a plain kernel
// too and counts for no detector.

export const MVP_DETECTORS = [
  'KASAN',
  'KFENCE',
  'UBSAN',
  'LOCKDEP',
  'KCSAN',
  'KMSAN',
  'KMEMLEAK',
  'DEBUG_LIST',
  'FORTIFY_SOURCE',
  'HARDENED_USERCOPY',
  'DEBUG_OBJECTS',
] as const;
export type MvpDetector = (typeof MVP_DETECTORS)[number];

// Title beginnings each detector's report produces (the kernel's own message formats: mm/kasan/report.c,
// mm/kfence/report.c, lib/ubsan.c, kernel/locking/lockdep.c, kernel/kcsan/report.c, mm/kmsan/report.c,
// mm/kmemleak.c, lib/list_debug.c, lib/string_helpers.c fortify_panic, mm/usercopy.c, lib/debugobjects.c).
const OWNERS: [MvpDetector, RegExp][] = [
  ['KASAN', /^KASAN: /],
  ['KFENCE', /^KFENCE: /],
  ['UBSAN', /^UBSAN: /],
  [
    'LOCKDEP',
    /^(?:possible deadlock|inconsistent lock state|WARNING: locking bug|WARNING: suspicious RCU usage|INFO: trying to register non-static key|BUG: bad unlock balance|possible circular locking|WARNING: held lock freed|BUG: held lock freed|BUG: still has locks held|WARNING: bad unlock balance|WARNING: nested lock was not taken|BUG: looking up invalid subclass|BUG: MAX_LOCKDEP)/,
  ],
  ['KCSAN', /^KCSAN: /],
  ['KMSAN', /^KMSAN: /],
  ['KMEMLEAK', /^memory leak in /],
  ['DEBUG_LIST', /^BUG: corrupted list in |^(?:list_add|list_del) corruption/],
  ['FORTIFY_SOURCE', /^(?:detected buffer overflow|kernel BUG in fortify_panic|fortify)/],
  ['HARDENED_USERCOPY', /^(?:BUG: bad usercopy in |usercopy: )/],
  ['DEBUG_OBJECTS', /^WARNING: ODEBUG bug in /],
];

// The parser's crash class (syzkaller's type names) names the sanitizer outright for these.
const TYPE_OWNERS: [MvpDetector, RegExp][] = [
  ['KASAN', /^KASAN-/],
  ['KFENCE', /^KFENCE-/],
  ['KMSAN', /^KMSAN-/],
  ['KCSAN', /^(?:KCSAN|DATARACE)/],
  ['UBSAN', /^UBSAN/],
  ['KMEMLEAK', /^LEAK$/],
];

/**
 * The detector that owns a parsed report (its title and type, as the report stage gives them), or undefined when a
 * kernel without debug detectors reports it too.
 */
export function detectorOf(report: { title: string; type: string }): MvpDetector | undefined {
  for (const [d, re] of TYPE_OWNERS) if (re.test(report.type)) return d;
  for (const [d, re] of OWNERS) if (re.test(report.title)) return d;
  return undefined;
}
