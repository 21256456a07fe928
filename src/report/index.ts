// The report stage's API: crash reports (syzkaller's titles) from kernel console output, whole or
// streamed, and their symbolization with addr2line.
import { ReportStream } from './stream.js';
import type { CrashReport } from './types.js';

export type { CrashReport, Frame } from './types.js';
export { ReportStream, DEFAULT_LIMITS, type StreamLimits } from './stream.js';
export { symbolize, type SymbolizeOptions } from './symbolize.js';
export { guiltyFile } from './guilty.js';
export { titleToType } from './title.js';

/** All crash reports in a console log, in order (none when the log holds no crash). */
export function parseLog(log: Buffer | string): CrashReport[] {
  const s = new ReportStream();
  const buf = typeof log === 'string' ? Buffer.from(log, 'utf8') : log;
  const out: CrashReport[] = [];
  // Chunked like a stream would be, so both paths are the same code.
  const CHUNK = 1 << 20;
  for (let i = 0; i < buf.length; i += CHUNK) out.push(...s.push(buf.subarray(i, i + CHUNK)));
  out.push(...s.end());
  return out;
}

/** The JSON shape of `kdk report parse --json`: exactly the documented fields, absent ones as null. */
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
  };
}

/** Reads back `reportToJson` output (nulls as absent fields). */
export function reportFromJson(j: Record<string, unknown>): CrashReport {
  const drop = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
  const r = drop(j) as unknown as CrashReport;
  r.frames = (r.frames ?? []).map((f) => drop(f));
  r.altTitles = r.altTitles ?? [];
  return r;
}
