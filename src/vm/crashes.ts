// The runner's view of crashes, from the report stage: a live signal "a crash report has started" (the VM is
// stopped soon after, once the report has printed) and the final titled reports over the whole console log.
import { parseLog, ReportStream, type CrashReport } from '../report/index.js';

export class CrashWatch {
  private readonly stream = new ReportStream();
  private seen = false;

  /** Feed console output; returns true once a crash has been seen. */
  push(chunk: Buffer): boolean {
    if (this.seen) return true;
    const finished = this.stream.push(chunk);
    this.seen = finished.length > 0 || this.stream.inReport;
    return this.seen;
  }

  get crashed(): boolean {
    return this.seen;
  }
}

export function crashReports(log: Buffer): CrashReport[] {
  return parseLog(log);
}
