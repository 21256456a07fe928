// The guilty source file: the first file:line in the report that is not generic infrastructure
// (headers, lib/, allocators, locking, printk, scheduler...), refined to a deeper path in the same
// directory when the stack shows one.
import { posix } from 'node:path';
import { GUILTY_FILE_IGNORE_RES, RE, matchesAny } from './compiled.js';

/** Stall reports start in the RCU/timer machinery: look from the interrupt entry on first. */
const STALL_INTERRUPT_ENDS = ['apic_timer_interrupt+0x', 'el1h_64_irq+0x', 'Exception stack'];

export function guiltyFile(title: string, report: string): string | undefined {
  if (title.startsWith('INFO: rcu detected stall')) {
    for (const end of STALL_INTERRUPT_ENDS) {
      const pos = report.indexOf(end);
      if (pos === -1) continue;
      const f = guiltyFileIn(report.slice(pos));
      if (f) return f;
    }
  }
  return guiltyFileIn(report) || undefined;
}

function clean(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function ignored(file: string, line: string): boolean {
  return matchesAny(file, GUILTY_FILE_IGNORE_RES) || RE.guiltyLineIgnore.test(line);
}

/** A `path/file.c:123` in the line (the substring test first spares the regex most lines). */
function fileIn(line: string): RegExpExecArray | null {
  return line.includes('.c:') || line.includes('.h:') ? RE.fileName.exec(line) : null;
}

function guiltyFileIn(report: string): string {
  const lines = report.split('\n');
  let guilty = '';
  let i = 0;
  for (; i < lines.length; i++) {
    const m = fileIn(lines[i]);
    if (!m) continue;
    // Some file beats none at all (otherwise the report would go to nobody).
    if (guilty === '') guilty = m[1];
    if (ignored(m[1], lines[i])) continue;
    guilty = clean(m[1]);
    i++;
    break;
  }
  // A deeper path under the same directory further down the stack is more specific.
  let deepest = posix.dirname(guilty);
  for (; i < lines.length; i++) {
    const m = fileIn(lines[i]);
    if (!m || ignored(m[1], lines[i])) continue;
    const c = clean(m[1]);
    if (c.startsWith(deepest) && RE.deeperPath.test(c.slice(deepest.length))) {
      guilty = c;
      deepest = posix.dirname(guilty);
    }
  }
  return guilty;
}
