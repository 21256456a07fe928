// Console line anatomy: the printk prefix (`[  12.345678][ T123] `) and the "context" it names, which
// tells interleaved output of different tasks/CPUs apart, and the unwinder's unreliable `? ` frames.
import { RE } from './compiled.js';

export const CONTEXT_CONSOLE = 'console';

/** '' for lines without a timestamp, 'console' with one, `[ T123]`/`[ C1]` with a caller id. */
export function lineContext(line: string): string {
  if (line.length === 0 || !line.includes('] ')) return '';
  const m = RE.consoleOutput.exec(line);
  if (!m) return '';
  return m[1] ?? CONTEXT_CONSOLE;
}

/** The line without its printk prefix; `questionable` for `? func` frames and powerpc's `(unreliable)`. */
export function stripLinePrefix(line: string, context: string): { text: string; questionable: boolean } {
  if (context === '') return { text: line, questionable: false };
  const start = line.indexOf('] ');
  line = line.slice(start + 2);
  if (!line.includes('<EOI>')) {
    if (line.includes(' ? ') && RE.questionableFrame.test(line)) {
      return { text: line.slice(line.indexOf(' ? ') + 2), questionable: true };
    }
    if (line.endsWith(' (unreliable)')) return { text: line.slice(0, -13), questionable: true };
  }
  return { text: line, questionable: false };
}
