// One crash report being read: the lines of the log from its first oops line on, filtered the way
// syzkaller's findReport does (same context only, `? ` frames dropped, the panic_on_warn tail cut),
// and, once complete, turned into a CrashReport (title, type, corruption, frames, guilty file).
import {
  CORRUPTED_TITLE_RES,
  INFO_MESSAGES,
  RE,
  REPORT_START_IGNORE_RES,
  STACK_START_HINTS,
  STACK_START_RES,
  FRAME_RES,
  SUPPRESSION_HINT,
  LINE_HINT,
  SUPPRESSION_RES,
  matchOops,
  matchesAny,
  type CompiledFormat,
  type CompiledOops,
} from './compiled.js';
import { CONTEXT_CONSOLE, lineContext, stripLinePrefix } from './console.js';
import { PATTERNS } from './rules.js';
import { extractDescription, sanitizeTitle, titleToType } from './title.js';
import { guiltyFile } from './guilty.js';
import { parseFrames } from './frames.js';
import type { CrashReport } from './types.js';

/** A console line: text as latin1 (one char per byte, `\r` removed), and its byte span in the log. */
export interface Line {
  text: string;
  off: number;
  end: number;
  /** false: the line holds no marker that needs a closer look (known from a scan of the chunk). */
  hint?: boolean;
  /** What the rules say about the line, computed once by analyze() (a line may be read by two
   * reports); kept on the line itself to spare an object per line. flags < 0: not analysed yet. */
  flags: number;
  context: string;
  stripped: string;
  questionable: boolean;
}

/** A line not analysed yet (all fields present from the start: one object shape for V8). */
export function newLine(text: string, off: number, end: number, hint: boolean | undefined): Line {
  return { text, off, end, hint, flags: -1, context: '', stripped: '', questionable: false };
}

/** Facts about one line, as bit flags. */
const F = {
  oops: 1,
  startIgnored: 2,
  infoWithStack: 4,
  panic: 8,
  hangup: 16,
  suppressed: 32,
  cpuContext: 64,
  disablingLockDebug: 128,
  sendingNmi: 256,
  panicOrDeadlock: 512,
  frame: 1024,
  dump: 2048,
};

/**
 * A line of a memory or hex dump (`00000000: 00 11 22 ...`, KASAN's shadow `ffff8880...: fa fb ...`, a page's
 * `raw: ...` words): part of a report however long the dump runs, so it never counts as the report going quiet.
 */
const DUMP_LINE = /^\s*(?:[>\s]?[0-9a-f]{8,16}:|raw:|head:|Code:)?(?:\s+[0-9a-f]{2,16}\b){4,}/i;

function analyze(line: Line): Line {
  if (line.flags >= 0) return line;
  const text = line.text;
  const context = lineContext(text);
  const { text: stripped, questionable } = stripLinePrefix(text, context);
  let flags = text.includes('+0x') ? F.frame : 0;
  if (context !== '' && RE.cpuContext.test(context)) flags |= F.cpuContext;
  // One regex tells most lines apart from any that needs a closer look.
  if (DUMP_LINE.test(stripped)) flags |= F.dump;
  line.context = context;
  line.stripped = stripped;
  line.questionable = questionable;
  if (line.hint === false || !LINE_HINT.test(text)) return ((line.flags = flags), line);
  if (matchOops(text)) {
    flags |= F.oops;
    if (matchesAny(text, REPORT_START_IGNORE_RES)) flags |= F.startIgnored;
  } else if (INFO_MESSAGES.some((m) => text.includes(m))) flags |= F.infoWithStack;
  if (text.includes(PATTERNS.panicked)) flags |= F.panic;
  if (text.includes(PATTERNS.consoleHangup)) flags |= F.hangup;
  if (SUPPRESSION_HINT.test(text) && matchesAny(text, SUPPRESSION_RES)) flags |= F.suppressed;
  if (text.includes('Disabling lock debugging due to kernel taint')) flags |= F.disablingLockDebug;
  if (text.includes('Sending NMI from CPU')) flags |= F.sendingNmi;
  if (flags & F.panic || (flags & F.oops && text.includes('WARNING: possible circular locking dependency detected'))) {
    flags |= F.panicOrDeadlock;
  }
  line.flags = flags;
  return line;
}

/** A report shorter than this many lines may end in a panic_on_warn panic that belongs to it. */
function reportMinLines(oopsLine: string): number {
  // KMSAN reports have no "Call Trace" and fewer lines than KASAN ones.
  return oopsLine.includes('BUG: KMSAN:') ? 16 : 22;
}

export class ActiveReport {
  readonly lines: Line[] = [];
  /** Index in `lines` of the first line that starts another report (-1: none yet). */
  secondIdx = -1;
  /** Lines of this report's context since the last stack frame or oops line. */
  quiet = 0;
  /** Index of the report start after that one (-1: none yet). */
  thirdIdx = -1;
  readonly context: string;
  private readonly report: string[] = [];
  private reportEnd = 0;
  private textLines = 0;
  private skipText = false;
  private cpuTraceback = false;
  private endPos: number;
  private lastOopsEnd: number;
  bytes = 0;
  panicked = false;
  private suppressed = false;
  private hangup = false;

  constructor(
    readonly oops: CompiledOops,
    first: Line,
    private readonly prefix: string[],
  ) {
    this.context = lineContext(first.text);
    this.endPos = first.end;
    this.lastOopsEnd = first.end;
    this.add(first);
  }

  /** Whether lines of other tasks/CPUs are told apart (then a second report does not end this one). */
  get hasCallerContext(): boolean {
    return this.context !== '' && this.context !== CONTEXT_CONSOLE;
  }

  add(line: Line): void {
    const idx = this.lines.length;
    this.lines.push(line);
    this.bytes += line.text.length;
    const info = analyze(line);
    const isOopsLine = idx === 0;
    const f = info.flags;
    const ctx = info.context;
    if (f & F.panic) this.panicked = true;
    if (f & F.hangup) this.hangup = true;
    if (f & F.suppressed) this.suppressed = true;
    if (f & F.oops) {
      this.lastOopsEnd = line.end;
      if (!isOopsLine && !(f & F.startIgnored)) {
        if (this.secondIdx < 0) this.secondIdx = idx;
        else if (this.thirdIdx < 0 && !this.hasCallerContext) this.thirdIdx = idx;
      }
    } else if (!isOopsLine && this.secondIdx < 0 && f & F.infoWithStack) {
      this.secondIdx = idx;
    }
    if (this.secondIdx < 0 || this.hasCallerContext) this.endPos = this.lastOopsEnd;
    if (!isOopsLine && (info.questionable || (ctx !== this.context && !(this.cpuTraceback && f & F.cpuContext)))) {
      return;
    }
    // A dump, however long, is neither the end of the report nor a sign of life: the stack may follow it.
    if (!(f & F.dump)) this.quiet = f & (F.oops | F.frame) ? 0 : this.quiet + 1;
    this.textLines++;
    let skipLine = this.skipText;
    if (f & F.disablingLockDebug) {
      skipLine = true;
    } else if (f & F.sendingNmi) {
      // A traceback of all CPUs follows: keep other CPUs' output too.
      this.cpuTraceback = true;
    } else if (f & F.panicOrDeadlock && this.textLines > reportMinLines(this.lines[0].text)) {
      // The panic_on_warn panic (or a deadlock report the oops itself provoked) repeats the stack of
      // the report before it: once the report has enough lines, drop it.
      this.skipText = true;
      skipLine = true;
    }
    if (!isOopsLine && skipLine) return;
    this.report.push(info.stripped);
    if (this.secondIdx < 0 || this.hasCallerContext) this.reportEnd = this.report.length;
  }

  /** The finished report (the stream may still mark it panicked if a panic line follows). */
  finish(): CrashReport {
    const head = joinLines(this.report.slice(0, this.reportEnd));
    let body = this.reportEnd === this.report.length ? head : joinLines(this.report);
    const headDesc = extractDescription(head, this.oops);
    let desc = headDesc;
    let prefix = this.prefix;
    if (desc.title === '') {
      // The header was filtered out of the report (another context): fall back to the raw log span.
      prefix = [];
      const raw = this.lines.filter((l) => l.end <= this.endPos).map((l) => l.text);
      body = joinLines(raw);
      desc = extractDescription(body, this.oops);
      if (desc.title === '') desc = { ...desc, title: this.lines[0].text.trim() };
    }
    let corrupted = desc.corrupted;
    if (corrupted === '') corrupted = isCorrupted(desc.title, body, desc.format);
    if (this.hangup) corrupted ||= 'console connection lost';
    const title = sanitizeTitle(desc.title);
    const altTitles = desc.altTitles.map(sanitizeTitle);
    const text = joinLines(prefix) + body;
    const frameMatch = RE.titleFrame.exec(title);
    const rep: CrashReport = {
      title,
      altTitles,
      type: titleToType(title),
      corrupted: corrupted !== '',
      panicked: this.panicked,
      start: this.lines[0].off,
      end: Math.max(this.endPos, this.lines[0].end),
      text: toUtf8(text),
      // The frames of this report: up to where the next report starts (its own lines, with caller ids).
      frames: parseFrames(desc === headDesc ? head : body),
      guiltyFrame: frameMatch ? frameMatch[1] : undefined,
      guiltyFile: guiltyFile(title, body),
    };
    if (corrupted) rep.corruptedReason = corrupted;
    if (this.suppressed) rep.suppressed = true;
    const ex = RE.executorComm.exec(text);
    if (ex) rep.executor = { procId: Number(ex[1]), execId: Number(ex[2]) };
    return rep;
  }
}

function joinLines(lines: string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Latin1 text (bytes as chars) back to a JS string, reading the bytes as UTF-8. */
export function toUtf8(latin1: string): string {
  // Pure ASCII needs no round trip (the common case).
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** syzkaller's completeness checks: a stack must follow each stack keyword, and must be there at all. */
function isCorrupted(title: string, report: string, format: CompiledFormat | undefined): string {
  if (matchesAny(title, CORRUPTED_TITLE_RES)) return 'title matches corrupted regexp';
  if (!format) return '';
  if (format.src.noStackTrace) return '';
  let hasStackTrace = false;
  for (let k = 0; k < STACK_START_RES.length; k++) {
    const key = STACK_START_RES[k];
    // The literal each keyword holds: most reports lack most keywords, and includes() is cheap.
    if (!report.includes(STACK_START_HINTS[k])) continue;
    const m = key.exec(report);
    if (!m) continue;
    const frames = report.slice(m.index).split('\n');
    if (frames.length < 4) return 'call trace is missed';
    let corrupted = true;
    outer: for (let i = 1; i < 16 && i < frames.length; i++) {
      for (const k of STACK_START_RES) if (k.test(frames[i])) break outer;
      if (frames[i].includes('(stack is not available)') || matchesAny(frames[i], FRAME_RES)) {
        hasStackTrace = true;
        corrupted = false;
        break;
      }
    }
    if (key !== RE_RISCV && corrupted) return 'no frames in a stack trace';
  }
  if (!hasStackTrace) return 'no stack trace in report';
  return '';
}
const RE_RISCV = STACK_START_RES[STACK_START_RES.length - 1];
