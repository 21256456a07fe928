// The rules of rules.ts compiled once into RegExp objects (placeholders expanded), plus the fast
// pre-filter that finds candidate oops lines in bulk text without running every rule on every line.
import {
  CORRUPTED_LINES,
  CORRUPTED_TITLES,
  FRAME_LINES,
  GUILTY_FILE_IGNORES,
  HINT_TOKENS,
  INFO_MESSAGES_WITH_STACK,
  LINUX_OOPSES,
  PATTERNS,
  REPORT_START_IGNORES,
  RISCV_STACK_START_SRC,
  SKIP_FRAMES,
  STACK,
  STACK_STARTS,
  STALL_ANCHOR_FRAMES,
  SUPPRESSIONS,
  TITLE_REPLACEMENTS,
  type OopsFormat,
  type StackSpec,
} from './rules.js';

/** Expands the rule placeholders and compiles; a leading `(?i)` becomes the `i` flag. */
export function compile(src: string, flags = ''): RegExp {
  let s = src
    .replaceAll('{{ADDR}}', '0x[0-9a-f]+')
    .replaceAll('{{PC}}', String.raw`\[<?(?:0x)?[0-9a-f]+>?\]`)
    .replaceAll('{{FUNC}}', String.raw`([a-zA-Z0-9_]+)(?:\.|\+)`)
    .replaceAll('{{SRC}}', String.raw`([a-zA-Z0-9\-_/.]+\.[a-z]+:[0-9]+)`)
    .replaceAll('{{TASK}}', String.raw`[\s\S]{0,100}?`);
  if (s.startsWith('(?i)')) {
    s = s.slice(4);
    flags += 'i';
  }
  return new RegExp(s, flags);
}

/** The frames a stack spec never blames, with the decisions cached per frame name. */
export interface SkipFilter {
  re: RegExp;
  cache: Map<string, boolean>;
}

export interface CompiledStack {
  parts: (RegExp | null)[]; // null = parse a stack trace here
  parts2?: (RegExp | null)[];
  skip: SkipFilter | null;
  extractor?: 'stall' | 'hang';
}
export interface CompiledFormat {
  src: OopsFormat;
  /** A literal the title regex needs (a cheap includes() before the regex); '' when none. */
  hint: string;
  title: RegExp;
  report?: RegExp;
  stack?: CompiledStack;
}
export interface CompiledOops {
  header: string;
  formats: CompiledFormat[];
  suppressions: RegExp[];
}

const list = (srcs: string[]): RegExp[] => srcs.map((s) => compile(s));

/** The literal text a pattern starts with (up to its first special character), if 4+ characters. */
export function literalPrefix(src: string): string {
  const m = /^[^\\^$.|?*+()[\]{}]*/.exec(src.startsWith('^') ? src.slice(1) : src)!;
  // A quantifier applies to the character before it: that one is not certain.
  const next = src.charAt(m[0].length + (src.startsWith('^') ? 1 : 0));
  const lit = '?*{'.includes(next) && next !== '' ? m[0].slice(0, -1) : m[0];
  return lit.length >= 4 ? lit : '';
}
const parts = (p: string[]): (RegExp | null)[] => p.map((s) => (s === STACK ? null : compile(s)));

function compileStack(spec: StackSpec): CompiledStack {
  const skip = [...SKIP_FRAMES, ...(spec.skip ?? [])];
  return {
    parts: parts(spec.parts),
    parts2: spec.parts2 ? parts(spec.parts2) : undefined,
    skip: skip.length ? { re: new RegExp(skip.join('|')), cache: new Map() } : null,
    extractor: spec.extractor,
  };
}

export const OOPSES: CompiledOops[] = LINUX_OOPSES.map((o) => ({
  header: o.header,
  suppressions: list(o.suppressions),
  formats: o.formats.map((f) => ({
    src: f,
    hint: literalPrefix(f.title),
    title: compile(f.title),
    report: f.report ? compile(f.report) : undefined,
    stack: f.stack ? compileStack(f.stack) : undefined,
  })),
}));

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Any oops header anywhere: the cheap test every console line gets. */
export const HEADER_ANY = new RegExp(OOPSES.map((o) => escape(o.header)).join('|'));
/** Candidate lines between reports: any hint word (a superset of the headers; matchOops decides). */
export const HEADER_ANY_GLOBAL = new RegExp(HINT_TOKENS.map(escape).join('|'), 'g');

export const RE = {
  consoleOutput: compile(PATTERNS.consoleOutput),
  taskContext: compile(PATTERNS.taskContext),
  cpuContext: compile(PATTERNS.cpuContext),
  questionableFrame: compile(PATTERNS.questionableFrame),
  symbolizeFrame: compile(PATTERNS.symbolizeFrame),
  ripFrame: compile(PATTERNS.ripFrame),
  fileName: compile(PATTERNS.fileName),
  deeperPath: compile(PATTERNS.deeperPath),
  guiltyLineIgnore: compile(PATTERNS.guiltyLineIgnore),
  titleFrame: compile(PATTERNS.titleFrame),
  executorComm: compile(PATTERNS.executorComm),
  riscvStackStart: compile(RISCV_STACK_START_SRC),
};
export const STACK_START_RES = list(STACK_STARTS.map(([re]) => re));
export const STACK_START_HINTS = STACK_STARTS.map(([, hint]) => hint);
export const FRAME_RES = list(FRAME_LINES);
export const CORRUPTED_LINE_RES = list(CORRUPTED_LINES);
/** Any stack start / any corrupting line, as one regex each (tested on every line of a stack). */
export const STACK_START_ANY = new RegExp(STACK_STARTS.map(([re]) => `(?:${re})`).join('|'));
export const CORRUPTED_LINE_ANY = new RegExp(CORRUPTED_LINES.map((re) => `(?:${re})`).join('|'));
export const CORRUPTED_TITLE_RES = list(CORRUPTED_TITLES);
export const REPORT_START_IGNORE_RES = list(REPORT_START_IGNORES);
export const GUILTY_FILE_IGNORE_RES = list(GUILTY_FILE_IGNORES);
export const STALL_ANCHOR_RES = list(STALL_ANCHOR_FRAMES);
export const SUPPRESSION_RES = list(SUPPRESSIONS);
/** Words every suppression contains: lines without any skip the suppression regexes. */
export const SUPPRESSION_HINT =
  /Out of memory|Killed process|lowmemorykiller|panic:|fatal error|SYZFAIL|SIGBUS|INIT: PANIC|stack smashing/;
export const INFO_MESSAGES = INFO_MESSAGES_WITH_STACK;
/** Any line a report must look at closely contains one of these (oops headers, suppressions, markers). */
export const LINE_HINT = new RegExp(
  [
    HEADER_ANY.source,
    SUPPRESSION_HINT.source,
    ...[...INFO_MESSAGES_WITH_STACK, PATTERNS.consoleHangup, 'Disabling lock debugging', 'Sending NMI from CPU'].map(
      escape,
    ),
  ].join('|'),
);
/** Lines inside a report that need a closer look: any hint word (analyze() then checks exactly). */
export const LINE_HINT_GLOBAL = new RegExp(HINT_TOKENS.map(escape).join('|'), 'g');
export const TITLE_REPLACEMENT_RES: [RegExp, string][] = TITLE_REPLACEMENTS.map(([re, to]) => [
  new RegExp(re, 'g'),
  to,
]);

export function matchesAny(s: string, res: RegExp[]): boolean {
  for (const re of res) if (re.test(s)) return true;
  return false;
}

/** The oops a console line starts, if any (header present, not suppressed). */
export function matchOops(line: string): CompiledOops | undefined {
  if (!HEADER_ANY.test(line)) return undefined;
  for (const o of OOPSES) {
    if (line.includes(o.header) && !matchesAny(line, o.suppressions)) return o;
  }
  return undefined;
}
