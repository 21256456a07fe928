// Measured detector costs from a store's records (`kdk plan mvp --db`): a successful cold build whose profiles
// enable exactly one detector, against the plain build of the same base, arch and make goals, gives that
// detector's build-CPU and image ratios; TCG runs of the two kernels give its added boot seconds. A build whose
// profiles enable several detectors (syzbot) measures their sum, which no single row can take: it is skipped.
import { loadProfile } from '../flavour/index.js';
import { BuildRecord } from '../build/index.js';
import { MVP_ROWS, ROW_KEY, type DetectorFigures, type Figure, type MvpRowName } from './mvp-costs.js';

/** A build row as the store lists it: its id, the kernel it is filed under, the BuildRecord's fields. */
export type StoreBuild = Record<string, unknown> & { id: number; kernel?: string | null };
export interface StoreRun {
  id: number;
  kernel: string | null;
  booted: boolean;
  bootSeconds: number | null;
  accelerator: string;
}

// Same rule as the plan's debug/plain ratio (build/record.ts): a warm ccache measures the cache, not the build.
const COLD = 0.2;

/** The rows a build's profiles (`kasan+lkdtm`) enable, from the profiles' own options. */
export function rowsOfProfile(profile: string): MvpRowName[] {
  const set = new Map<string, string>();
  for (const name of profile.split('+').filter(Boolean)) {
    let p;
    try {
      p = loadProfile(name);
    } catch {
      return []; // a profile this checkout does not have: its detectors are unknown
    }
    for (const o of p.options) set.set(o.symbol, o.value);
  }
  const on = (s: string) => set.get(s) === 'y';
  // KASAN's mode: inline unless the profile asks for outline.
  return MVP_ROWS.filter((r) => {
    if (r === 'KASAN') return on('KASAN') && !on('KASAN_OUTLINE');
    if (r === 'KASAN_OUTLINE') return on('KASAN') && on('KASAN_OUTLINE');
    return ROW_KEY[r].every(on);
  });
}

export interface MeasuredCosts {
  figures: Partial<Record<MvpRowName, Partial<DetectorFigures>>>;
  /** Builds looked at and why those not used were not. */
  notes: string[];
}

export function measuredCosts(builds: StoreBuild[], runs: StoreRun[], where: string): MeasuredCosts {
  const ok: { id: number; kernel: string; r: BuildRecord }[] = [];
  for (const b of builds) {
    const parsed = BuildRecord.safeParse(b);
    if (!parsed.success) continue;
    const r = parsed.data;
    if (r.exitStatus !== 0 || (r.ccache && r.ccache.hitRate >= COLD)) continue;
    ok.push({ id: b.id, kernel: b.kernel ?? r.kernelVersion, r });
  }
  const goals = (r: BuildRecord) => r.target ?? 'bindeb-pkg';
  const img = (r: BuildRecord) => r.artifacts.bzImage ?? r.artifacts.vmlinux ?? 0;
  const boot = (kernel: string) => {
    const xs = runs.filter((x) => x.kernel === kernel && x.booted && x.accelerator === 'tcg' && x.bootSeconds !== null);
    return xs.length
      ? { s: xs.reduce((n, x) => n + x.bootSeconds!, 0) / xs.length, ids: xs.map((x) => x.id) }
      : undefined;
  };
  const figures: MeasuredCosts['figures'] = {};
  const notes: string[] = [];
  for (const d of ok) {
    if (d.r.profile === '') continue;
    const rows = rowsOfProfile(d.r.profile);
    if (rows.length !== 1) {
      notes.push(`build #${d.id} (${d.r.flavour}): profiles enable ${rows.length} detectors, not attributable to one`);
      continue;
    }
    const p = ok
      .filter((x) => x.r.profile === '' && x.r.base === d.r.base && x.r.arch === d.r.arch && goals(x.r) === goals(d.r))
      .at(-1);
    if (!p || !p.r.cpuSeconds) {
      notes.push(`build #${d.id} (${d.r.flavour}): no cold plain build of the same base and goals to compare`);
      continue;
    }
    const row = rows[0]!;
    if (figures[row]) continue; // the store lists builds newest first: the newest pair stands
    const pair = `${where} build #${d.id} (${d.r.flavour}, profile ${d.r.profile}) vs plain build #${p.id}`;
    const m = (value: number, from = pair): Figure => ({ value, source: 'measured', from });
    const f: Partial<DetectorFigures> = { buildRatio: m(d.r.cpuSeconds / p.r.cpuSeconds) };
    if (img(d.r) && img(p.r)) f.imageRatio = m(img(d.r) / img(p.r));
    const bd = boot(d.kernel);
    const bp = boot(p.kernel);
    if (bd && bp) f.bootSeconds = m(bd.s - bp.s, `${where} TCG runs #${bd.ids.join(',')} vs #${bp.ids.join(',')}`);
    figures[row] = f;
  }
  return { figures, notes };
}
