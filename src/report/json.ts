// The JSON shape of crash reports (`kdk report parse --json` / `--jsonl`), written and read back in one place:
// every stage that takes reports from a file (symbolize, gap match, triage) reads them through here, validated.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { inputError } from '../util/errors.js';
import { parseJsonSyntax } from '../util/json-file.js';
import { checkInputFile } from './read.js';
import type { CrashReport, Frame } from './types.js';

/** The JSON shape: exactly the documented fields, absent ones as null. */
export function reportToJson(r: CrashReport): Record<string, unknown> {
  return {
    title: r.title,
    altTitles: r.altTitles,
    type: r.type,
    corrupted: r.corrupted,
    corruptedReason: r.corruptedReason ?? null,
    panicked: r.panicked,
    start: r.start,
    end: r.end,
    text: r.text,
    frames: r.frames.map((f) => ({
      function: f.function,
      offset: f.offset ?? null,
      size: f.size ?? null,
      module: f.module ?? null,
      file: f.file ?? null,
      line: f.line ?? null,
      ...(f.inlined ? { inlined: true } : {}),
    })),
    guiltyFrame: r.guiltyFrame ?? null,
    guiltyFile: r.guiltyFile ?? null,
    suppressed: r.suppressed ?? false,
  };
}

const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);
const count = z.number().int().nonnegative();

const FrameJson = z.object({
  function: z.string(),
  offset: opt(count),
  size: opt(count),
  module: opt(z.string()),
  file: opt(z.string()),
  line: opt(count),
  inlined: opt(z.boolean()),
});

/** Only the title is required, so that hand-written documents (`{"title": ...}`) are accepted too. */
const ReportJson = z.object({
  title: z.string().min(1),
  altTitles: opt(z.array(z.string())),
  type: opt(z.string()),
  corrupted: opt(z.boolean()),
  corruptedReason: opt(z.string()),
  panicked: opt(z.boolean()),
  start: opt(count),
  end: opt(count),
  text: opt(z.string()),
  frames: opt(z.array(FrameJson)),
  guiltyFrame: opt(z.string()),
  guiltyFile: opt(z.string()),
  suppressed: opt(z.boolean()),
});

const dropUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** One report from its JSON; a wrong shape is an input error naming the file, line and field. */
export function reportFromJson(j: unknown, where: { file?: string; line?: number; index?: number } = {}): CrashReport {
  const r = ReportJson.safeParse(j);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(the report)';
    const which = where.index !== undefined ? `report ${where.index}: ` : '';
    throw inputError(`not a report document: ${which}${field}: ${issue.message}`, where.file, where.line);
  }
  const d = r.data;
  return dropUndefined({
    ...d,
    altTitles: d.altTitles ?? [],
    type: d.type ?? '',
    corrupted: d.corrupted ?? false,
    panicked: d.panicked ?? false,
    start: d.start ?? 0,
    end: d.end ?? 0,
    text: d.text ?? '',
    frames: (d.frames ?? []).map((f) => dropUndefined(f) as Frame),
  }) as CrashReport;
}

/** A whole document read at once above this size would not fit V8's strings: use the line formats. */
const MAX_DOCUMENT = 256 * 1024 * 1024;

/**
 * Every report of a report file, in order, read in bounded memory: `parse --jsonl` (one report per line) and
 * `parse --json` (its streamed array: one report per line between `{"reports":[` and `]}`) are read line by
 * line; any other JSON document (`{"reports":[...]}`, a list of reports, one report) is read whole.
 */
export async function* readReportFile(file: string): AsyncGenerator<CrashReport> {
  const name = file === '-' ? '<stdin>' : file;
  if (file !== '-') checkInputFile(file);
  const input = file === '-' ? process.stdin : createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let mode: 'lines' | 'array' | 'whole' | undefined;
  const whole: string[] = [];
  let wholeBytes = 0;
  let index = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (mode === undefined) {
        if (line === '') continue;
        if (line === '{"reports":[' || line === '{"reports": [') {
          mode = 'array';
          continue;
        }
        mode = line.startsWith('{') && isReportLine(line) ? 'lines' : 'whole';
      }
      if (mode === 'whole') {
        wholeBytes += raw.length + 1;
        if (wholeBytes > MAX_DOCUMENT) {
          throw inputError('report document too large to read whole: write it with --jsonl', name);
        }
        whole.push(raw);
        continue;
      }
      if (line === '' || (mode === 'array' && /^\]\s*\}$/.test(line))) continue;
      const text = mode === 'array' && line.endsWith(',') ? line.slice(0, -1) : line;
      yield reportFromJson(parseJson(text, name, lineNo), { file: name, line: lineNo, index: index++ });
    }
  } finally {
    lines.close();
    if ('destroy' in input && file !== '-') input.destroy();
  }
  if (mode === 'whole') yield* documentReports(parseJson(whole.join('\n'), name), name);
  else if (mode === undefined) throw inputError('not a report document: the file is empty', name);
}

function* documentReports(doc: unknown, file: string): Generator<CrashReport> {
  const list = Array.isArray(doc)
    ? doc
    : doc !== null && typeof doc === 'object' && 'reports' in doc
      ? (doc as { reports: unknown }).reports
      : [doc];
  if (!Array.isArray(list)) throw inputError('not a report document: "reports" is not a list', file);
  for (let i = 0; i < list.length; i++) yield reportFromJson(list[i], { file, index: i });
}

/** A line that is one whole report (`--jsonl`), not the start or the whole of a `{"reports":...}` document. */
function isReportLine(s: string): boolean {
  try {
    const v = JSON.parse(s) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !('reports' in v);
  } catch {
    return false;
  }
}

function parseJson(text: string, file: string, line?: number): unknown {
  // A whole document: name the line where it stops being JSON (Node's message often gives no position).
  return parseJsonSyntax(text, file, 'not a report document', line);
}

/** Whether a file starts like a report document (`{`, or `[` followed by `{`/`]`), from its first bytes. */
export function looksLikeReportJson(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return /^\s*(?:\{|\[\s*(?:\{|\]))/.test(buf.subarray(0, n).toString('latin1'));
  } finally {
    closeSync(fd);
  }
}
