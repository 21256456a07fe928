// Streaming console reader: finds crash reports in a log of any size in bounded memory. Between
// reports only a cheap pre-filter runs over whole chunks (one regex for every oops header); a report
// keeps only its own lines (capped) and a fixed look-back of text before it for its prefix lines.
import { HEADER_ANY_GLOBAL, LINE_HINT_GLOBAL, RE, matchOops } from './compiled.js';
import { ActiveReport, newLine, type Line } from './active.js';
import { lineContext, stripLinePrefix } from './console.js';
import { PATTERNS } from './rules.js';
import type { CrashReport } from './types.js';

export interface StreamLimits {
  /** Longest line kept; the rest of a longer line is dropped (its offsets still count). Kernel
   * lines are under 1 KiB; the cap also bounds the cost of the rules' regexes on garbage. */
  maxLine: number;
  /** Most lines one report may hold. */
  maxReportLines: number;
  /** Most bytes one report may hold. */
  maxReportBytes: number;
  /** Lines kept after the next report started (its title is cut there; later lines may still tell
   * the report is corrupted, and reports told apart by caller ids continue past it). */
  tailLines: number;
  /** A finished report is held back this many bytes of further log, for a panic line that may follow. */
  holdBytes: number;
  /** A report ends after this many of its lines without a stack frame (its crash output is over). */
  quietLines: number;
  /** Text kept before a report, from which its prefix lines are taken. */
  lookback: number;
}

export const DEFAULT_LIMITS: StreamLimits = {
  maxLine: 4096,
  maxReportLines: 2000,
  maxReportBytes: 4 * 1024 * 1024,
  tailLines: 300,
  holdBytes: 4 * 1024 * 1024,
  quietLines: 100,
  lookback: 8 * 1024,
};

/** Prefix lines kept before the oops line: 5, or 50 when caller ids say they are the same task's. */
function maxPrefix(context: string): number {
  return RE.taskContext.test(context) ? 50 : 5;
}

/** Lines always read past the next report start (headers may repeat before the stack they announce). */
const MIN_TAIL = 50;
/** Longer than any marker of LINE_HINT. */
const MAX_HINT = 128;

export class ReportStream {
  private buf = '';
  private bufOff = 0;
  private pos = 0;
  private lookback = '';
  /** Inside an over-long line: drop text until its newline. */
  private dropping = false;
  private active?: ActiveReport;
  /** Finished reports waiting for a later panic line (syzkaller's `panicked` looks at the rest of the log). */
  private held: { rep: CrashReport; releaseAt: number }[] = [];
  /** Lines to read again (from a finished window), consumed from `queueAt` on. */
  private queue: Line[] = [];
  private queueAt = 0;
  /** Position in buf of the next marker for closer looks, as found by a scan up to hintScanEnd. */
  private hintAt = -1;
  private hintScanEnd = 0;
  private out: CrashReport[] = [];
  private readonly limits: StreamLimits;

  constructor(limits: Partial<StreamLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** True while a report has started and is not finished yet (more of it may follow). */
  get inReport(): boolean {
    return this.active !== undefined;
  }

  /** Text this stream holds right now (unprocessed input, look-back, the report being read). */
  get retainedBytes(): number {
    let n = this.buf.length + this.lookback.length + (this.active?.bytes ?? 0);
    for (let i = this.queueAt; i < this.queue.length; i++) n += this.queue[i].text.length;
    for (const h of this.held) n += h.rep.text.length;
    return n;
  }

  push(chunk: Buffer | string): CrashReport[] {
    this.buf += typeof chunk === 'string' ? Buffer.from(chunk, 'utf8').toString('latin1') : chunk.toString('latin1');
    this.process(false);
    return this.take();
  }

  /**
   * Finished reports now, without waiting for a panic line that may still follow (their `panicked`
   * is then what the log showed so far). For live consoles that want each crash as soon as it is
   * complete; the report being read (`inReport`) stays until it completes or `end()`.
   */
  flush(): CrashReport[] {
    this.release(true);
    return this.take();
  }

  /**
   * The report being read is complete now (a live console went quiet: the crash grace of a VM runner), and
   * every finished one is handed over. Unlike `end()` the stream goes on: a partial last line stays unread.
   */
  complete(): CrashReport[] {
    if (this.active) {
      this.finishActive();
      this.process(false);
    }
    return this.flush();
  }

  /** End of log: the report being read (possibly truncated) and all held ones are returned. */
  end(): CrashReport[] {
    this.process(true);
    while (this.active) {
      this.finishActive();
      // The finished window may hold the start of the next report: read it again.
      this.process(true);
    }
    this.release(true);
    return this.take();
  }

  private take(): CrashReport[] {
    const r = this.out;
    this.out = [];
    return r;
  }

  private process(final: boolean): void {
    for (;;) {
      if (this.queueAt < this.queue.length) {
        this.handleLine(this.queue[this.queueAt++]);
        continue;
      }
      if (this.queue.length) {
        this.queue = [];
        this.queueAt = 0;
      }
      if (this.dropping && !this.skipLongLineRest()) break;
      if (this.active ? !this.nextActiveLine(final) : !this.scanIdle(final)) break;
    }
    this.buf = this.buf.slice(this.pos);
    this.bufOff += this.pos;
    this.hintAt -= this.pos;
    this.hintScanEnd -= this.pos;
    this.pos = 0;
    this.release(false);
  }

  /** Emits held reports whose hold span has passed (or the oldest, when too many are held). */
  private release(all: boolean): void {
    while (this.held.length && (all || this.held.length > 64 || this.held[0].releaseAt <= this.bufOff)) {
      this.out.push(this.held.shift()!.rep);
    }
  }

  private skipLongLineRest(): boolean {
    const nl = this.buf.indexOf('\n', this.pos);
    if (nl === -1) {
      this.pos = this.buf.length;
      return false;
    }
    this.pos = nl + 1;
    this.dropping = false;
    return true;
  }

  /** Cuts the next complete line (or an over-long or final partial one); undefined when none yet. */
  private cutLine(final: boolean): Line | undefined {
    const nl = this.buf.indexOf('\n', this.pos);
    let endIdx = nl;
    if (nl === -1) {
      const rest = this.buf.length - this.pos;
      if (rest > this.limits.maxLine) {
        endIdx = this.pos + this.limits.maxLine;
        this.dropping = true;
      } else if (final && rest > 0) endIdx = this.buf.length;
      else return undefined;
    } else if (nl - this.pos > this.limits.maxLine) {
      endIdx = this.pos + this.limits.maxLine;
      this.dropping = true;
    }
    const line = this.makeLine(this.pos, endIdx);
    this.pos = this.dropping ? endIdx : Math.min(endIdx + 1, this.buf.length);
    return line;
  }

  private makeLine(from: number, to: number): Line {
    let text = this.buf.slice(from, to);
    let hint: boolean | undefined = this.hintBefore(from, to);
    if (text.includes('\r')) {
      text = text.replaceAll('\r', '');
      hint = undefined; // a CR may have split a marker word: let the line be checked on its own
    }
    return newLine(text, this.bufOff + from, this.bufOff + to, hint);
  }

  /**
   * Whether buf[from, to) holds any marker a report must look at closely. One scan of the buffer finds
   * the next marker for many lines (instead of one regex call per line).
   */
  private hintBefore(from: number, to: number): boolean {
    const none = this.hintAt >= this.hintScanEnd;
    // Rescan when the last find lies behind, or "none found" may not cover this line (a marker may
    // straddle the old end of the buffer).
    if (this.hintAt < from || (none && to > this.hintScanEnd - MAX_HINT)) {
      LINE_HINT_GLOBAL.lastIndex = from;
      const m = LINE_HINT_GLOBAL.exec(this.buf);
      this.hintScanEnd = this.buf.length;
      this.hintAt = m ? m.index : this.buf.length;
    }
    return this.hintAt < to;
  }

  private nextActiveLine(final: boolean): boolean {
    const line = this.cutLine(final);
    if (!line) return false;
    this.handleLine(line);
    return true;
  }

  /** Between reports: jump from oops header to oops header; everything else only feeds the look-back. */
  private scanIdle(final: boolean): boolean {
    const re = HEADER_ANY_GLOBAL;
    re.lastIndex = this.pos;
    const m = re.exec(this.buf);
    if (!m) {
      const nl = this.buf.lastIndexOf('\n');
      let upto = nl >= this.pos ? nl + 1 : this.pos;
      if (final || this.buf.length - upto > this.limits.maxLine) upto = this.buf.length;
      this.consumeIdle(upto);
      return false;
    }
    const ls = Math.max(this.pos, this.buf.lastIndexOf('\n', m.index) + 1);
    this.consumeIdle(ls);
    const nl = this.buf.indexOf('\n', m.index);
    if (nl === -1 && !final && this.buf.length - ls <= this.limits.maxLine) return false;
    const line = this.cutLine(true)!;
    this.handleLine(line);
    return true;
  }

  private consumeIdle(upto: number): void {
    if (upto <= this.pos) return;
    this.addLookback(this.buf.slice(this.pos, upto));
    this.pos = upto;
  }

  private addLookback(text: string): void {
    const max = this.limits.lookback;
    if (text.length >= max) this.lookback = text.slice(text.length - max);
    else if (this.lookback.length + text.length > 2 * max) this.lookback = (this.lookback + text).slice(-max);
    else this.lookback += text;
  }

  private handleLine(line: Line): void {
    if (this.active) {
      this.active.add(line);
      if (this.shouldFinish()) this.finishActive();
      return;
    }
    const oops = matchOops(line.text);
    if (!oops) {
      if (line.text.includes(PATTERNS.panicked)) this.markPanicked();
      this.addLookback(line.text + '\n');
      return;
    }
    this.active = new ActiveReport(oops, line, this.prefixLines(lineContext(line.text)));
    if (this.active.panicked) this.markPanicked();
  }

  private markPanicked(): void {
    for (const h of this.held) h.rep.panicked = true;
  }

  private shouldFinish(): boolean {
    const a = this.active!;
    if (a.lines.length >= this.limits.maxReportLines || a.bytes >= this.limits.maxReportBytes) return true;
    if (a.quiet >= this.limits.quietLines) return true;
    if (a.secondIdx < 0) return false;
    const past = a.lines.length - a.secondIdx;
    // Past the next report start only the rest of this one is wanted (its stack, for a report told
    // apart by caller ids its own later lines): stop at the report after that, or at the tail cap.
    return past > this.limits.tailLines || (a.thirdIdx >= 0 && past > MIN_TAIL);
  }

  private finishActive(): void {
    const a = this.active!;
    this.active = undefined;
    const rep = a.finish();
    if (a.panicked) this.markPanicked();
    // Waits for a possible later panic line (syzkaller's `panicked` looks at the rest of the log).
    this.held.push({ rep, releaseAt: a.lines[a.lines.length - 1].end + this.limits.holdBytes });
    if (a.secondIdx >= 0) {
      // The next report starts inside this window: read those lines again.
      for (const l of a.lines.slice(1, a.secondIdx)) this.addLookback(l.text + '\n');
      this.queue = [...a.lines.slice(a.secondIdx), ...this.queue.slice(this.queueAt)];
      this.queueAt = 0;
    } else {
      for (const l of a.lines.slice(1)) this.addLookback(l.text + '\n');
    }
  }

  /** The last lines before the report in its own context (syzkaller prepends them to the report). */
  private prefixLines(context: string): string[] {
    const max = maxPrefix(context);
    const out: string[] = [];
    const lb = this.lookback;
    // With a caller id, jump straight to the lines that carry it.
    const jump = context.startsWith('[') ? context : undefined;
    let end = lb.endsWith('\n') ? lb.length - 1 : lb.length;
    while (end > 0 && out.length < max) {
      if (jump) {
        const at = lb.lastIndexOf(jump, end - 1);
        if (at < 0) break;
        end = lb.indexOf('\n', at);
        if (end < 0) end = lb.length;
      }
      const start = lb.lastIndexOf('\n', end - 1) + 1;
      let text = lb.slice(start, end);
      end = start - 1;
      if (text.includes('\r')) text = text.replaceAll('\r', '');
      if (lineContext(text) === context) {
        const s = stripLinePrefix(text, context);
        if (s.text.length !== 0 && !s.questionable) out.push(s.text);
      }
      if (start === 0) break;
    }
    return out.reverse();
  }
}
