// The data shapes of crash reports, shared by every stage that reads them (vm, triage, gap, store, server).

export interface Frame {
  /** Function name as printed, without offset/size (e.g. `__blk_rq_map_sg`). */
  function: string;
  offset?: number;
  size?: number;
  /** Module name when the frame is in a module (`[ext4]`). */
  module?: string;
  file?: string;
  line?: number;
  /** True for a frame the symbolizer found inlined into the next one. */
  inlined?: boolean;
}

export interface CrashReport {
  title: string;
  altTitles: string[];
  /** Crash class as syzkaller names it (e.g. `KASAN-USE-AFTER-FREE-READ`, `WARNING`, `HANG`); '' when unknown. */
  type: string;
  corrupted: boolean;
  corruptedReason?: string;
  panicked: boolean;
  /** Byte offsets of the report in the log: [start, end). */
  start: number;
  end: number;
  /** The report's log lines, prefixes (timestamps, caller ids) cut as syzkaller does. */
  text: string;
  frames: Frame[];
  guiltyFrame?: string;
  guiltyFile?: string;
  /** The log shows the crash is the test harness's fault (e.g. the OOM killer shot the executor). */
  suppressed?: boolean;
  /** syzkaller's executor process that ran into the crash (`Comm: syz.P.E`), when named. */
  executor?: { procId: number; execId: number };
}
