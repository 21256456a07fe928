// Stack frames of a report's text: `func+0x1a/0x40 [module] path/file.c:123 [inline]` lines, and the
// `func path/file.c:123 [inline]` lines a symbolizer adds for inlined calls.
import type { Frame } from './types.js';

const FRAME =
  /^\s*(?:\[<?(?:0x)?[0-9a-f]+>?\]\s*)*(?:\? )?\(?(?:[0-9]+:)?([a-zA-Z0-9_.]+)\+0x([0-9a-f]+)\/0x([0-9a-f]+)(?: ?\[([a-zA-Z0-9_.]+)(?: [0-9a-f]+)?\])?\)?(?: ([\w\-./]+\.\w+):(\d+))?(?: \[inline\])?/;
const INLINE = /^\s*([a-zA-Z0-9_.]+) ([\w\-./]+\.\w+):(\d+) \[inline\]\s*$/;

export function parseFrame(line: string): Frame | undefined {
  const m = FRAME.exec(line);
  if (m) {
    const f: Frame = { function: m[1], offset: parseInt(m[2], 16), size: parseInt(m[3], 16) };
    if (m[4]) f.module = m[4];
    if (m[5]) {
      f.file = m[5];
      f.line = Number(m[6]);
    }
    return f;
  }
  const i = INLINE.exec(line);
  if (i) return { function: i[1], file: i[2], line: Number(i[3]), inlined: true };
  return undefined;
}

/** Every frame line of the text, in order (all stacks of the report: access, allocation, free...). */
export function parseFrames(text: string): Frame[] {
  const out: Frame[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('+0x') && !line.includes('[inline]')) continue;
    if (/^\s*(?:RIP|IP|NIP|PC is at|LR is at|pc |lr ):?/.test(line) && !line.includes('+0x')) continue;
    const f = parseFrame(line);
    if (f) out.push(f);
  }
  return out;
}
