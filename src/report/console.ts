// Console line anatomy: the printk prefix (`[  12.345678][ T123] `) and the "context" it names, which
// tells interleaved output of different tasks/CPUs apart, and the unwinder's unreliable `? ` frames.
import { RE } from './compiled.js';

export const CONTEXT_CONSOLE = 'console';

/** '' for lines without a timestamp, 'console' with one, `[ T123]`/`[ C1]` with a caller id. */
export function lineContext(line: string): string {
  if (line.length === 0 || !line.includes('] ')) return '';
  if (line.charCodeAt(0) === 0x5b /* [ */) {
    const fast = fastContext(line);
    if (fast !== undefined) return fast;
  }
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

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The common `[  12.345678][ T123] ` prefix read by hand (the regex is the slow path); undefined: unsure. */
function fastContext(line: string): string | undefined {
  let i = 1;
  while (line.charCodeAt(i) === 0x20) i++;
  const d0 = i;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === d0 || line.charCodeAt(i) !== 0x2e /* . */) return undefined;
  const d1 = ++i;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === d1 || line.charCodeAt(i) !== 0x5d /* ] */) return undefined;
  i++;
  if (line.charCodeAt(i) === 0x20) return CONTEXT_CONSOLE;
  if (line.charCodeAt(i) !== 0x5b) return undefined;
  const open = i++;
  while (line.charCodeAt(i) === 0x20) i++;
  const k = line.charCodeAt(i);
  if (k !== 0x43 /* C */ && k !== 0x54 /* T */) return undefined;
  const d2 = ++i;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === d2 || line.charCodeAt(i) !== 0x5d || line.charCodeAt(i + 1) !== 0x20) return undefined;
  return line.slice(open, i + 1);
}
