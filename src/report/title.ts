// Title extraction: which format of an oops matches a report, the guilty frame its stack spec picks,
// the alternative titles, and the rewrites (pids, addresses, numbers) that make titles stable.
import {
  CORRUPTED_LINE_ANY,
  FRAME_RES,
  STACK_START_ANY,
  STALL_ANCHOR_RES,
  TITLE_REPLACEMENT_RES,
  matchesAny,
  type CompiledFormat,
  type CompiledOops,
  type CompiledStack,
  type SkipFilter,
} from './compiled.js';
import { demangle } from './demangle.js';
import { CORRUPTED_LINE_HINT, HANG_ANCHORS, HANG_SKIP, STRIP_FRAME_PREFIXES, TITLE_TYPES } from './rules.js';

export const CORRUPTED_NO_FRAMES = 'extracted no frames';

export interface Description {
  title: string;
  altTitles: string[];
  corrupted: string;
  format?: CompiledFormat;
}

interface Frame {
  canonical: string;
  raw: string;
}

/** Go's `%[N]v` formatting over the captured strings and frames. */
function format(fmt: string, args: string[]): string {
  return fmt.replace(/%\[(\d+)\][vs]/g, (_m, n: string) => {
    const v = args[Number(n) - 1];
    return v === undefined ? '%!v(BADINDEX)' : v;
  });
}

function captures(m: RegExpExecArray): string[] {
  return m.slice(1).map((g) => g ?? '');
}

/** How many lines of a report its title and report patterns see. A title comes from the report's first
 * lines (the oops line and the few after it that lockdep/KASAN formats read: syzkaller's corpus needs 10),
 * and the bound keeps a guest's 2,000-line report from costing every format a scan of all of it. */
export const TITLE_LINES = 50;

/** The first TITLE_LINES lines of the report (lines are already capped by the stream). */
export function titleWindow(output: string): string {
  let end = -1;
  for (let i = 0; i < TITLE_LINES; i++) {
    end = output.indexOf('\n', end + 1);
    if (end === -1) return output;
  }
  return output.slice(0, end + 1);
}

/** Picks the format matching earliest in the report and builds its title and alternatives. */
export function extractDescription(output: string, oops: CompiledOops): Description {
  const head = titleWindow(output);
  let startPos = output.length;
  let title = '';
  let corrupted = '';
  let altTitles: string[] = [];
  let chosen: CompiledFormat | undefined;
  let matchedTitle = false;
  for (const f of oops.formats) {
    if (f.hint && !head.includes(f.hint)) continue;
    let m = f.title.exec(head);
    if (!m || m.index > startPos) continue;
    if (m.index === startPos && title !== '') continue;
    if (m.index < startPos) {
      title = '';
      chosen = undefined;
      startPos = m.index;
    }
    matchedTitle = true;
    if (f.report) {
      m = f.report.exec(head);
      if (!m) continue;
    }
    const argPrefix = captures(m);
    let frames: Frame[] = [];
    corrupted = '';
    if (f.stack) {
      const r = extractStackFrame(f.stack, output.slice(m.index));
      frames = r.frames;
      if (!r.ok) corrupted = CORRUPTED_NO_FRAMES;
    }
    const args = [...argPrefix, ...frames.map((fr) => fr.canonical)];
    title = format(f.src.fmt, args);
    for (const alt of f.src.alt ?? []) altTitles.push(format(alt, args));
    for (const seq of partiallyStrippedArgs(argPrefix, frames)) {
      const alt = format(f.src.fmt, seq);
      if (alt !== title) altTitles.push(alt);
      for (const a of f.src.alt ?? []) altTitles.push(format(a, seq));
    }
    altTitles = [...new Set(altTitles)];
    chosen = f;
  }
  if (title === '') {
    // A title matched but not the full report regexp or stack: the report is cut or garbled.
    if (matchedTitle) corrupted = 'matched title but not report regexp';
    const pos = output.indexOf(oops.header);
    if (pos === -1) return { title: '', altTitles, corrupted, format: chosen };
    const end = output.indexOf('\n', pos);
    title = output.slice(pos, end === -1 ? output.length : end);
  }
  if (corrupted === '' && chosen?.src.corrupted) corrupted = 'report format is marked as corrupted';
  return { title, altTitles, corrupted, format: chosen };
}

function stripFrame(frame: string): string {
  let best = frame;
  for (const p of STRIP_FRAME_PREFIXES) {
    if (frame.startsWith(p) && frame.length - p.length < best.length) best = frame.slice(p.length);
  }
  return best;
}

function partiallyStrippedArgs(prefix: string[], frames: Frame[]): string[][] {
  const ret: string[][] = [];
  for (let i = 0; i <= STRIP_FRAME_PREFIXES.length; i++) {
    let add = i === 0;
    const strip = i === 0 ? '' : STRIP_FRAME_PREFIXES[i - 1];
    const list = frames.map((f) => {
      if (strip && f.raw.startsWith(strip)) {
        add = true;
        return f.raw.slice(strip.length);
      }
      return f.raw;
    });
    if (add) ret.push([...prefix, ...list]);
  }
  return ret;
}

function extractStackFrame(stack: CompiledStack, output: string): { frames: Frame[]; ok: boolean } {
  const pick = (raw: string[]): Frame => {
    if (raw.length === 0) return { canonical: '', raw: '' };
    const stripped = raw.map(stripFrame);
    if (!stack.extractor) return { canonical: stripped[0], raw: raw[0] };
    const [frame, idx] = stack.extractor === 'stall' ? stallFrame(stripped) : hangFrame(stripped);
    return frame ? { canonical: frame, raw: raw[idx] } : { canonical: '', raw: '' };
  };
  const lines = output.split('\n');
  const r = extractStackFrameImpl(lines, stack.skip, stack.parts, pick);
  if (r.ok || !stack.parts2) return r;
  return extractStackFrameImpl(lines, stack.skip, stack.parts2, pick);
}

/** Fault injection's frames mixed into a stack (every corrupting line names should_fail). */
function corruptedLine(ln: string): boolean {
  return ln.includes(CORRUPTED_LINE_HINT) && CORRUPTED_LINE_ANY.test(ln);
}

/** Skip decisions per frame name, cached: the same functions recur in report after report. */
function skipped(skip: SkipFilter, frame: string): boolean {
  let v = skip.cache.get(frame);
  if (v === undefined) {
    if (skip.cache.size > 5000) skip.cache.clear();
    v = skip.re.test(frame);
    skip.cache.set(frame, v);
  }
  return v;
}

function appendFrames(frames: string[], m: RegExpExecArray | null, skip: SkipFilter | null): void {
  if (!m) return;
  for (let i = 1; i < m.length; i++) {
    if (m[i] === undefined) continue;
    const f = demangle(m[i]);
    if (!skip || !skipped(skip, f)) frames.push(f);
  }
}

function extractStackFrameImpl(
  lines: string[],
  skip: SkipFilter | null,
  parts: (RegExp | null)[],
  pick: (raw: string[]) => Frame,
): { frames: Frame[]; ok: boolean } {
  let li = 0;
  let raw: string[] = [];
  const results: Frame[] = [];
  let ok = true;
  let numTraces = 0;
  for (let pi = 0; ; pi++) {
    if (pi === parts.length || (parts[pi] === null && numTraces > 0)) {
      let key = pick(raw);
      if (key.canonical === '') {
        key = { canonical: 'corrupted', raw: 'corrupted' };
        ok = false;
      }
      results.push(key);
      raw = [];
    }
    if (pi === parts.length) break;
    const part = parts[pi];
    if (part === null) {
      numTraces++;
      while (li < lines.length) {
        const ln = lines[li++];
        if (corruptedLine(ln)) {
          ok = false;
          break;
        }
        if (STACK_START_ANY.test(ln)) break;
        const next = parts[pi + 1];
        if (pi !== parts.length - 1 && next) {
          const m = next.exec(ln);
          if (m) {
            appendFrames(raw, m, skip);
            pi++;
            break;
          }
        }
        let m: RegExpExecArray | null = null;
        for (const re of FRAME_RES) {
          m = re.exec(ln);
          if (m) break;
        }
        appendFrames(raw, m, skip);
      }
    } else {
      while (li < lines.length) {
        const ln = lines[li++];
        if (corruptedLine(ln)) {
          ok = false;
          break;
        }
        const m = part.exec(ln);
        if (!m) continue;
        appendFrames(raw, m, skip);
        break;
      }
    }
  }
  return { frames: results, ok };
}

/** Stalls loop across functions: name them by the frame just above a dispatch point (syscall, work...). */
function stallFrame(frames: string[]): [string, number] {
  let prev = frames[0];
  let prevIdx = 0;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    if (matchesAny(f, STALL_ANCHOR_RES)) {
      if (f.includes('smp_call_function')) return ['smp_call_function', i];
      return [prev, prevIdx];
    }
    prev = f;
    prevIdx = i;
  }
  return ['', -1];
}

/** Hung tasks show victims; group the common causes (rtnl_lock, RCU syncs) before skipping waits. */
function hangFrame(frames: string[]): [string, number] {
  for (let i = 0; i < frames.length; i++) {
    for (const [anchor, repl] of HANG_ANCHORS) {
      if (frames[i].includes(anchor)) return [repl || frames[i], i];
    }
  }
  for (let i = 0; i < frames.length; i++) {
    if (!HANG_SKIP.some((s) => frames[i].includes(s))) return [frames[i], i];
  }
  return ['', -1];
}

function replaceTable(title: string): string {
  for (const [re, to] of TITLE_REPLACEMENT_RES) {
    for (let i = 0; i < 100; i++) {
      const next = title.replace(re, to);
      if (next === title) break;
      title = next;
    }
  }
  return title;
}

/** Stable, printable title: dynamic parts replaced, control bytes dropped, spaces squeezed, 120 bytes max. */
export function sanitizeTitle(title: string): string {
  // Only the first 120 characters survive; the cut before the rewrites bounds their cost.
  title = replaceTable(title.slice(0, 1024));
  let res = '';
  let prev = ' ';
  for (let i = 0; i < title.length && i < 120; i++) {
    let ch = title[i];
    const c = title.charCodeAt(i);
    if (ch === '\t') ch = ' ';
    else if (c < 0x20 || c >= 0x7f) continue;
    if (ch === ' ' && prev === ' ') continue;
    res += ch;
    prev = ch;
  }
  return res.trim();
}

/** The crash class of a title (syzkaller's names), '' when unknown. */
export function titleToType(title: string): string {
  for (const [type, prefixes] of TITLE_TYPES) {
    if (prefixes.some((p) => title.startsWith(p))) return type;
  }
  return '';
}
