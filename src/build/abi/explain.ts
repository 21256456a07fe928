// Why a CRC changed. genksyms hashes the full expansion of every type a symbol's declaration reaches, so the CRC
// alone cannot say which type moved; libabigail can, from DWARF, when both builds carry debug info
// (abigail.ts: abidw on each vmlinux, abidiff of the two). Each changed CRC gets a reason: the types libabigail
// names as changed that reach the symbol, "libabigail saw no type change" when it names none, or "reason
// unknown: ..." with what was missing (a build directory, debug info, abigail-tools) or what failed.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensurePackages } from '../../util/deps.js';
import type { AbiChange, AbiDiff, ChangedType } from './diff.js';
import { ABIGAIL_PACKAGES, AbigailError, abigailDiff, type AbigailStep } from './abigail.js';
import type { AbigailReport } from './abigail-report.js';

/** What `kdk abi diff` did to explain the changed CRCs. */
export interface AbiExplanation {
  /** `libabigail` when it ran, `none` when something stopped it (`note` says what). */
  tool: 'libabigail' | 'none';
  note?: string;
  version?: string;
  steps?: AbigailStep[];
  /** Each type libabigail names as changed, with how many of the changed CRCs it reaches. */
  types: (ChangedType & { where?: string; symbols: number })[];
  /** Changed CRCs with a libabigail explanation, and without one. */
  explained: number;
  unexplained: number;
  /** Lines of abidiff's report kdk did not recognise (a newer libabigail's wording). */
  unrecognised?: number;
}

/** True when `vmlinux` has a .debug_info section (CONFIG_DEBUG_INFO). */
function hasDebugInfo(vmlinux: string): boolean {
  if (!existsSync(vmlinux)) return false;
  const r = spawnSync('readelf', ['-S', '-W', vmlinux], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return r.status === 0 && /\s\.debug_info\s/.test(r.stdout);
}

/** What stops libabigail from naming the changed types, or undefined when it can run. */
export function explainBlocker(
  oldBuild?: string,
  newBuild?: string,
  log: (l: string) => void = (l) => process.stderr.write(l + '\n'),
): string | undefined {
  if (!oldBuild || !newBuild) return 'reason unknown: the ABIs were not read from build directories (no vmlinux)';
  const missing = [oldBuild, newBuild].filter((d) => !hasDebugInfo(join(d, 'vmlinux')));
  if (missing.length)
    return `reason unknown: no debug info (CONFIG_DEBUG_INFO) in ${missing.map((d) => join(d, 'vmlinux')).join(', ')}`;
  try {
    ensurePackages(ABIGAIL_PACKAGES, log);
  } catch (e) {
    return `reason unknown: libabigail is not installed (${(e as Error).message}; apt-get install -y abigail-tools)`;
  }
  return undefined;
}

const MAX_REASON_TYPES = 4;

/** The types (and own declaration changes) libabigail reports for `name`, indexed once per report. */
function indexReport(report: AbigailReport): Map<string, ChangedType[]> {
  const by = new Map<string, ChangedType[]>();
  const add = (name: string, t: ChangedType) => {
    const l = by.get(name) ?? [];
    if (!l.some((x) => x.type === t.type)) l.push(t);
    by.set(name, l);
  };
  for (const t of report.types) for (const s of t.impacted) add(s, { type: t.type, summary: t.summary });
  // A changed CRC alone (libabigail reads them too) explains nothing: only a declaration that changed does.
  const crcOnly = (s: AbigailReport['symbols'][number]) =>
    s.details.every((d) => /^\s*CRC \(modversions\) changed/.test(d));
  for (const s of report.symbols)
    if (s.kind === 'changed' && !crcOnly(s))
      add(s.symbol, { type: s.declaration, summary: s.summary ?? 'declaration changed' });
  return by;
}

function reasonFor(types: ChangedType[]): string {
  const shown = types.slice(0, MAX_REASON_TYPES).map((t) => `${t.type}: ${t.summary}`);
  const more = types.length - shown.length;
  return `libabigail: ${shown.join('; ')}${more > 0 ? `; and ${more} more changed types` : ''}`;
}

/**
 * Fill each changed CRC's `reason` (and `changedTypes` where libabigail names some). Returns what was done.
 * libabigail's failures become reasons; this never throws for them.
 */
export async function explainChanges(
  diff: AbiDiff,
  oldBuild?: string,
  newBuild?: string,
  opts: { log?: (l: string) => void; timeoutMs?: number } = {},
): Promise<AbiExplanation> {
  const crcChanges = diff.changed.filter((c) => c.fields.includes('crc'));
  const none = (note: string): AbiExplanation => {
    for (const c of crcChanges) c.reason = note;
    return { tool: 'none', note, types: [], explained: 0, unexplained: crcChanges.length };
  };
  if (!crcChanges.length) return { tool: 'none', note: 'no CRC changed', types: [], explained: 0, unexplained: 0 };
  const blocker = explainBlocker(oldBuild, newBuild, opts.log);
  if (blocker) return none(blocker);
  let res;
  try {
    const inVmlinux = crcChanges.filter((c) => c.module === 'vmlinux').map((c) => c.name);
    if (!inVmlinux.length) {
      for (const c of crcChanges) c.reason = noChangeReason(c, new Map(), new Map());
      return {
        tool: 'none',
        note: 'only modules changed CRCs',
        types: [],
        explained: 0,
        unexplained: crcChanges.length,
      };
    }
    res = await abigailDiff(join(oldBuild!, 'vmlinux'), join(newBuild!, 'vmlinux'), inVmlinux, opts);
  } catch (e) {
    if (e instanceof AbigailError) return none(`reason unknown: ${e.message}`);
    throw e;
  }
  // The vmlinux must be the build whose Module.symvers was read: libabigail's CRCs (from the ELF) must agree.
  const stale = (syms: Map<string, string | undefined>, side: 'old' | 'new') =>
    crcChanges.filter((c) => {
      const crc = syms.get(c.name);
      return crc !== undefined && Number(crc) !== Number(c[side]!.crc);
    }).length;
  const staleOld = stale(res.oldSymbols, 'old');
  const staleNew = stale(res.newSymbols, 'new');
  if (staleOld || staleNew)
    return none(
      `reason unknown: the vmlinux does not match its Module.symvers (${staleOld + staleNew} CRCs differ: ${staleOld ? oldBuild : newBuild})`,
    );
  const index = indexReport(res.report);
  const counts = new Map<string, { t: ChangedType & { where?: string }; n: number }>();
  let explained = 0;
  for (const c of crcChanges) {
    const types = index.get(c.name);
    if (types?.length) {
      explained++;
      c.changedTypes = types;
      c.reason = reasonFor(types);
      for (const t of types) {
        const e = counts.get(t.type) ?? {
          t: { ...t, where: res.report.types.find((x) => x.type === t.type)?.where },
          n: 0,
        };
        e.n++;
        counts.set(t.type, e);
      }
    } else c.reason = noChangeReason(c, res.oldSymbols, res.newSymbols);
  }
  return {
    tool: 'libabigail',
    version: res.version,
    steps: res.steps,
    types: [...counts.values()]
      .sort((a, b) => b.n - a.n || (a.t.type < b.t.type ? -1 : 1))
      .map((e) => ({ ...e.t, symbols: e.n })),
    explained,
    unexplained: crcChanges.length - explained,
    unrecognised: res.report.unrecognised,
  };
}

/** The reason for a changed CRC libabigail names no type for: why it could not, or that it saw none. */
function noChangeReason(
  c: AbiChange,
  oldSyms: Map<string, string | undefined>,
  newSyms: Map<string, string | undefined>,
): string {
  if (c.module !== 'vmlinux')
    return `reason unknown: exported by module ${c.module}; libabigail compared vmlinux only (2.2 cannot read 6.1 modules that export symbols)`;
  if (!oldSyms.has(c.name) || !newSyms.has(c.name))
    return 'reason unknown: libabigail found no DWARF for it in vmlinux (an assembly export?)';
  return 'libabigail saw no type change reaching it';
}
