// The report stage's API: crash reports (syzkaller's titles) from kernel console output, whole or
// streamed, and their symbolization with addr2line.
import { ReportStream } from './stream.js';
import type { CrashReport } from './types.js';

export type { CrashReport, Frame } from './types.js';
export { ReportStream, DEFAULT_LIMITS, type StreamLimits } from './stream.js';
export { symbolize, type SymbolizeOptions } from './symbolize.js';
export { guiltyFile } from './guilty.js';
export { titleToType } from './title.js';
export { reportToJson, reportFromJson, readReportFile, looksLikeReportJson } from './json.js';
export { readLogReports, checkInputFile, type ReadLogOptions } from './read.js';
export { followLog, CRASH_GRACE, type FollowOptions } from './follow.js';
export { checkDebugBinary } from './elf.js';
export { oopsLineStarts, startsReport } from './starts.js';

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
