// `tail -f` for consoles: reads what a growing file holds, then polls for more, and hands over each report as
// soon as it is complete: when the next report starts, when its own output is over, or when the console has
// been quiet for a moment after a crash started (the same grace a VM runner gives a crash to finish printing).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { checkInputFile } from './read.js';
import { ReportStream } from './stream.js';
import type { CrashReport } from './types.js';

/** After a report starts: this long without new output, or this long in all, and it is complete. */
export const CRASH_GRACE = { quietS: 2, maxS: 10 };

export interface FollowOptions {
  /** Called with each batch of complete reports, in log order. */
  onReports: (reports: CrashReport[]) => void;
  /** Ends following; the report in progress is handed over first. */
  signal: AbortSignal;
  pollMs?: number;
  grace?: { quietS: number; maxS: number };
}

/** Follows `file` until `signal` aborts; a truncated (rotated) file starts a new log. */
export async function followLog(file: string, opts: FollowOptions): Promise<void> {
  checkInputFile(file);
  const grace = opts.grace ?? CRASH_GRACE;
  let s = new ReportStream();
  let pos = 0;
  let lastGrowth = Date.now();
  let reportSince: number | undefined;
  const buf = Buffer.alloc(1 << 20);
  const emit = (reps: CrashReport[]): void => {
    if (reps.length) opts.onReports(reps);
  };
  const readGrowth = (): void => {
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size < pos) {
      emit(s.end());
      s = new ReportStream();
      pos = 0;
      reportSince = undefined;
    }
    if (size <= pos) return;
    lastGrowth = Date.now();
    const fd = openSync(file, 'r');
    try {
      let n: number;
      while ((n = readSync(fd, buf, 0, buf.length, pos)) > 0) {
        pos += n;
        emit(s.push(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  };
  const tick = (): void => {
    readGrowth();
    const now = Date.now();
    if (!s.inReport) reportSince = undefined;
    else reportSince ??= now;
    if (
      reportSince !== undefined &&
      (now - lastGrowth >= grace.quietS * 1000 || now - reportSince >= grace.maxS * 1000)
    ) {
      emit(s.complete());
      reportSince = s.inReport ? now : undefined;
    } else emit(s.flush());
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(tick, opts.pollMs ?? 250);
    const stop = (): void => {
      clearInterval(timer);
      readGrowth();
      emit(s.end());
      resolve();
    };
    if (opts.signal.aborted) return stop();
    opts.signal.addEventListener('abort', stop, { once: true });
    tick();
  });
}
