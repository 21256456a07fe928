// The store's tables as kysely sees them (one interface per table), shared by both dialects. Booleans are 0/1
// integers and times ISO-8601 text on both, so rows export and import between SQLite and PostgreSQL unchanged.
import type { Generated } from 'kysely';

export interface MetaTable {
  key: string;
  value: string;
}

export interface ArtifactTable {
  sha256: string;
  kind: string;
  size: number;
  content: Buffer;
  created_at: string;
}

export interface KernelTable {
  id: Generated<number>;
  /** What users call the kernel: its version string, or a name given to `--kernel`. */
  name: string;
  version: string | null;
  tree: string | null;
  commit_sha: string | null;
  config_hash: string | null;
}

export interface BuildTable {
  id: Generated<number>;
  record_sha: string;
  kernel_id: number | null;
  flavour: string;
  arch: string;
  target: string | null;
  exit_status: number;
  started_at: string;
  wall_seconds: number;
  record: string;
}

export interface FlavourTable {
  id: Generated<number>;
  /** The flavour's report (its `kdk flavour --json` document less where it was written), an artifact. */
  report_sha: string;
  /** As `kdk build` names it: base flavour and profiles (`amd64-kasan+minimal+lockdep+syzbot`). */
  name: string;
  arch: string;
  /** The evaluated tree's kernel version (its Makefile). */
  tree_version: string | null;
  /** The Debian packaging version of the base config (none for a flat or kernel-ark base). */
  packaging_version: string | null;
  config_hash: string;
  kernel_id: number | null;
  created_at: string;
}

export interface RunTable {
  id: Generated<number>;
  record_sha: string;
  kernel_id: number | null;
  verdict: string;
  booted: number;
  boot_seconds: number | null;
  accelerator: string;
  started_at: string;
  record: string;
}

export interface BugTable {
  id: Generated<number>;
  title: string;
  base_title: string;
  seq: number;
  status: string;
  /** The key upstream bugs are matched on (gap's normalised title, or `=title` when it has none). */
  match_key: string;
  first_seen: string;
  last_seen: string;
  crash_count: number;
  fix_commits: string;
  /** The names of the kernels it crashed on, a sorted JSON array kept by ingest (bug_kernels has the counts). */
  kernels: string;
}

export interface BugTitleTable {
  title: string;
  bug_id: number;
}

export interface BugKernelTable {
  bug_id: number;
  kernel_id: number;
  crash_count: number;
}

export interface CrashTable {
  id: Generated<number>;
  dedup_sha: string;
  bug_id: number | null;
  run_id: number | null;
  kernel_id: number | null;
  title: string;
  alt_titles: string;
  type: string;
  corrupted: number;
  seen_at: string;
  report_sha: string;
  console_sha: string | null;
}

export interface BugArtifactTable {
  bug_id: number;
  sha256: string;
  role: string;
}

export interface GapFindingTable {
  id: Generated<number>;
  kernel_id: number;
  cve: string;
  fix_commit: string;
  status: string;
  subsystem: string;
  summary: string;
  evidence: string;
}

export interface UpstreamBugTable {
  id: string;
  source: string;
  title: string;
  status: string;
  match_key: string;
  fix_commits: string;
  link: string | null;
}

export interface FixVerdictTable {
  bug_id: number;
  kernel_id: number;
  verdict: string;
  evidence: string;
}

export interface IngestedTable {
  sha256: string;
  kind: string;
  source: string;
  at: string;
}

/** The latest `kdk sweep` verdict of one bug (a bundle's title) on one kernel. */
export interface SweepVerdictTable {
  kernel_id: number;
  bug_id: number;
  /** sha256 of the image swept: the kernel row is its path, which a rebuild reuses. */
  kernel_sha256: string;
  bundle: string;
  /** reproduces | flaky | different-crash | no-crash | not-applicable | infra-error */
  verdict: string;
  hits: number;
  runs: number;
  cve: string | null;
  fix_commit: string | null;
  /** present | missing | unknown, and how the sweep decided it */
  fix_state: string;
  fix_how: string;
  /** missing backport | regression | fix missing but not reproduced | fixed */
  assessment: string | null;
  recorded_at: string;
}

export interface DB {
  kdk_meta: MetaTable;
  artifacts: ArtifactTable;
  kernels: KernelTable;
  builds: BuildTable;
  flavours: FlavourTable;
  runs: RunTable;
  bugs: BugTable;
  bug_titles: BugTitleTable;
  bug_kernels: BugKernelTable;
  crashes: CrashTable;
  bug_artifacts: BugArtifactTable;
  gap_findings: GapFindingTable;
  upstream_bugs: UpstreamBugTable;
  fix_verdicts: FixVerdictTable;
  sweep_verdicts: SweepVerdictTable;
  ingested: IngestedTable;
}

/** Tables in the order export writes and import reads them (referenced tables first). */
export const TABLES = [
  'artifacts',
  'kernels',
  'builds',
  'flavours',
  'runs',
  'bugs',
  'bug_titles',
  'bug_kernels',
  'crashes',
  'bug_artifacts',
  'gap_findings',
  'upstream_bugs',
  'fix_verdicts',
  'sweep_verdicts',
  'ingested',
] as const satisfies readonly (keyof DB)[];
export type TableName = (typeof TABLES)[number];

/** Each table's key columns: export orders by them, so two stores with the same rows export the same text. */
export const KEYS: Record<TableName, string[]> = {
  artifacts: ['sha256'],
  kernels: ['id'],
  builds: ['id'],
  flavours: ['id'],
  runs: ['id'],
  bugs: ['id'],
  bug_titles: ['title'],
  bug_kernels: ['bug_id', 'kernel_id'],
  crashes: ['id'],
  bug_artifacts: ['bug_id', 'sha256', 'role'],
  gap_findings: ['id'],
  upstream_bugs: ['id'],
  fix_verdicts: ['bug_id', 'kernel_id'],
  sweep_verdicts: ['kernel_id', 'bug_id'],
  ingested: ['sha256'],
};

/** Tables with a generated id, whose PostgreSQL sequence import moves past the imported ids. */
export const SERIAL_TABLES: TableName[] = ['kernels', 'builds', 'flavours', 'runs', 'bugs', 'crashes', 'gap_findings'];
