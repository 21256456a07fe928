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
  'DEBUG_ATOMIC_SLEEP',
  'DEBUG_PREEMPT',
] as const;
export type MvpDetector = (typeof MVP_DETECTORS)[number];

// Title beginnings each detector's report produces (the kernel's own message formats: mm/kasan/report.c,
// mm/kfence/report.c, lib/ubsan.c, kernel/locking/lockdep.c, kernel/kcsan/report.c, mm/kmsan/report.c,
// mm/kmemleak.c, lib/list_debug.c, lib/string_helpers.c fortify_panic, mm/usercopy.c, lib/debugobjects.c,
// kernel/sched/core.c __might_resched, lib/smp_processor_id.c). lockdep prints its headlines after `WARNING: `
// (`WARNING: possible circular locking dependency detected`); syzkaller's titles drop it (`possible deadlock in`).
// kmemleak's reports are titled `BUG: memory leak` by syzkaller, which the CVE records quote. With
// BUG_ON_DATA_CORRUPTION (Debian's config) a list_debug.c check ends in `kernel BUG at lib/list_debug.c`;
// usercopy_abort is a BUG() in mm/usercopy.c; 6.x's fortify failures WARN in __fortify_report.
const OWNERS: [MvpDetector, RegExp][] = [
  ['KASAN', /^KASAN: /],
  ['KFENCE', /^KFENCE: /],
  ['UBSAN', /^UBSAN: /],
  [
    'LOCKDEP',
    /^(?:WARNING: )?(?:possible deadlock|possible recursive locking|inconsistent lock state|WARNING: locking bug|WARNING: suspicious RCU usage|INFO: trying to register non-static key|BUG: bad unlock balance|possible circular locking|WARNING: held lock freed|BUG: held lock freed|BUG: still has locks held|WARNING: bad unlock balance|WARNING: nested lock was not taken|BUG: looking up invalid subclass|BUG: MAX_LOCKDEP)/,
  ],
  ['KCSAN', /^KCSAN: /],
  ['KMSAN', /^KMSAN: /],
  ['KMEMLEAK', /^(?:BUG: )?memory leak(?: in |$)/],
  ['DEBUG_LIST', /^BUG: corrupted list in |^(?:list_add|list_del) corruption|^kernel BUG at lib\/list_debug\.c/],
  [
    'FORTIFY_SOURCE',
    /^(?:detected buffer overflow|kernel BUG in fortify_panic|fortify|WARNING in __fortify_report|WARNING: CPU: \d+ PID: \d+ at (?:\S+ )?__fortify_report)/,
  ],
  ['HARDENED_USERCOPY', /^(?:BUG: bad usercopy in |usercopy: |kernel BUG at mm\/usercopy\.c)/],
  ['DEBUG_OBJECTS', /^WARNING: ODEBUG bug in /],
  ['DEBUG_ATOMIC_SLEEP', /^BUG: sleeping function called from invalid context/],
  ['DEBUG_PREEMPT', /^BUG: using (?:smp_processor_id|__this_cpu_\w+|this_cpu_\w+)\(\) in preemptible/],
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
