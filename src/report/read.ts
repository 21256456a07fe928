// Reading console logs of any size: the file checked first (a directory or a missing file is an input error
// naming it), then streamed through a ReportStream so that memory stays bounded however big the log is.
import { createReadStream, statSync } from 'node:fs';
import { inputError } from '../util/errors.js';
import { ReportStream } from './stream.js';
import type { CrashReport } from './types.js';

/** Throws an input error (exit 2) naming the file unless it is a readable regular file (or a FIFO). */
export function checkInputFile(file: string): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) throw inputError('no such file', file);
  if (st.isDirectory()) throw inputError('is a directory, not a file', file);
}

export interface ReadLogOptions {
  /** Hand each report over as soon as it is complete (not waiting for a later panic line). */
  eager?: boolean;
}

/**
 * The reports of a console log (`-`: stdin) as they complete, in log order. Each batch is handed over and
 * forgotten, so a caller that does not keep them reads any log in bounded memory.
 */
export async function* readLogReports(file: string, opts: ReadLogOptions = {}): AsyncGenerator<CrashReport[]> {
  if (file !== '-') checkInputFile(file);
  const s = new ReportStream();
  const input = file === '-' ? process.stdin : createReadStream(file);
  try {
    for await (const chunk of input) {
      const reps = s.push(chunk as Buffer);
      if (opts.eager) reps.push(...s.flush());
      if (reps.length) yield reps;
    }
  } finally {
    if (file !== '-' && 'destroy' in input) input.destroy();
  }
  const rest = s.end();
  if (rest.length) yield rest;
}
