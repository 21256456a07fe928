// libabigail on two kernels: `abidw` reads each vmlinux's DWARF into libabigail's XML once (cached by the
// vmlinux's content under $KDK_CACHE/abi/), then `abidiff --leaf-changes-only --impacted-interfaces --harmless`
// compares the two XML files and names each changed type with the exported interfaces it reaches. Measured on
// kdk's test kernels (docs/abi.md): abidiff straight on the two vmlinux files costs about 34 CPU-s, abidw about
// 8 CPU-s a kernel and the XML comparison a few; kmidiff, which would add the modules, aborts in libabigail 2.2's
// symbol-table reader on every 6.1 module that exports a symbol (lib/crc7.ko), so only vmlinux is compared.
// Every step has a timeout and a bounded output; a failure is a reason, never a hang or a crash of `kdk abi diff`.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashFile, hashOf } from '../../util/cache.js';
import { z } from 'zod';
import { tempPathFor, writeFileAtomic } from '../../util/atomic.js';
import { scratchDir } from '../../util/scratch.js';
import { run, which } from '../../util/proc.js';
import { escapeLine } from '../../util/text.js';
import { MAX_REPORT_BYTES, parseAbigailReport, type AbigailReport } from './abigail-report.js';

/** The Debian package with abidw, abidiff and kmidiff. */
export const ABIGAIL_PACKAGES = ['abigail-tools'];

/** The largest abidw XML kdk reads back (a test kernel's is about 7 MB; a distribution kernel's some 100 MB). */
const MAX_XML_BYTES = 512 * 1024 * 1024;

export interface AbigailStep {
  step: string;
  /** Wall seconds, 0 for a cache hit. */
  seconds: number;
  cached: boolean;
}

export interface AbigailRun {
  version: string;
  report: AbigailReport;
  /** abidiff's report as printed. */
  raw: string;
  /** The exported symbols libabigail found with DWARF in each vmlinux, with the CRCs it read. */
  oldSymbols: Map<string, string | undefined>;
  newSymbols: Map<string, string | undefined>;
  steps: AbigailStep[];
}

export class AbigailError extends Error {}

const tail = (s: string) =>
  escapeLine(
    s
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .slice(-2)
      .join(' / '),
  ).slice(0, 300);

async function abigailVersion(timeoutMs: number): Promise<string> {
  const r = await run('abidw', ['--version'], { timeoutMs, maxBuffer: 4096 });
  const m = /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout + r.stderr);
  if (r.code !== 0 || !m) throw new AbigailError(`abidw --version failed: ${tail(r.stderr || r.stdout)}`);
  return m[1];
}

/** The exported symbols an abidw XML corpus lists (`<elf-symbol name='...' ... crc='0x...'/>`). */
export function abixmlSymbols(xml: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const m of xml.matchAll(/<elf-symbol name='([A-Za-z0-9_.$]{1,200})'([^>]{0,1000})\/>/g))
    out.set(m[1], /\scrc='(0x[0-9a-f]{1,16})'/.exec(m[2])?.[1]);
  return out;
}

/** vmlinux's libabigail XML, from the cache or written there by abidw. */
async function abidw(
  vmlinux: string,
  version: string,
  timeoutMs: number,
  log: (l: string) => void,
): Promise<{ path: string; xml: string; step: AbigailStep }> {
  const args = ['--no-corpus-path'];
  const key = hashOf('abidw-v1', version, args.join(' '), await hashFile(vmlinux)).slice(0, 32);
  const out = join(cacheDir('abi'), `vmlinux-${key}.abi`);
  const step = `abidw ${vmlinux}`;
  if (existsSync(out)) return { path: out, xml: readXml(out), step: { step, seconds: 0, cached: true } };
  log(`kdk: abidw ${vmlinux} (libabigail ${version}: the DWARF of every exported interface, cached by content)`);
  const tmp = tempPathFor(out);
  try {
    const r = await run('abidw', [...args, '--out-file', tmp, vmlinux], { timeoutMs, maxBuffer: 64 * 1024 });
    if (r.timedOut) throw new AbigailError(`abidw timed out after ${Math.round(timeoutMs / 1000)} s on ${vmlinux}`);
    if (r.code !== 0 || !existsSync(tmp))
      throw new AbigailError(`abidw failed on ${vmlinux} (${r.signal ?? `exit ${r.code}`}): ${tail(r.stderr)}`);
    const xml = readXml(tmp);
    renameSync(tmp, out);
    return { path: out, xml, step: { step, seconds: r.wallMs / 1000, cached: false } };
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readXml(file: string): string {
  const text = readFileSync(file);
  if (text.length > MAX_XML_BYTES) throw new AbigailError(`${file}: over ${MAX_XML_BYTES} bytes`);
  const xml = text.toString('utf8');
  if (!/^<abi-corpus(-group)? /m.test(xml.slice(0, 4096))) throw new AbigailError(`${file}: not an abidw corpus`);
  return xml;
}

/** A cached comparison: abidiff's report as it printed it (re-read through the parser), and what it cost. */
const CachedDiff = z.object({
  version: z.string().max(40),
  seconds: z.number().nonnegative(),
  report: z.string().max(MAX_REPORT_BYTES),
});

/** The XML without the CRCs abidw records: libabigail would report every changed CRC as a change of its own
 * (`CRC (modversions) changed`) and then list no interfaces under the type that changed, which is what kdk asks. */
const withoutCrcs = (xml: string) => xml.replace(/(<elf-symbol [^>]{0,1000}?) crc='0x[0-9a-f]{1,16}'/g, '$1');

/**
 * libabigail's account of what changed between two vmlinux files with DWARF, for the exported `symbols` (the
 * changed CRCs: abidiff's --kmi-whitelist). `timeoutMs` bounds each step. The comparison is cached by the two
 * corpora and the symbol list. Throws AbigailError (its message is the reason to show) when a tool is missing,
 * fails or times out.
 */
export async function abigailDiff(
  oldVmlinux: string,
  newVmlinux: string,
  symbols: string[],
  opts: { timeoutMs?: number; log?: (l: string) => void } = {},
): Promise<AbigailRun> {
  const timeoutMs = opts.timeoutMs ?? 15 * 60 * 1000;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  for (const t of ['abidw', 'abidiff'])
    if (!which(t)) throw new AbigailError(`${t} is not installed (apt-get install abigail-tools)`);
  const version = await abigailVersion(timeoutMs);
  const a = await abidw(oldVmlinux, version, timeoutMs, log);
  const b = await abidw(newVmlinux, version, timeoutMs, log);
  const args = ['--leaf-changes-only', '--impacted-interfaces', '--harmless'];
  const whitelist = `[abi_whitelist]\n${[...symbols]
    .sort()
    .map((s) => `  ${s}\n`)
    .join('')}`;
  const key = hashOf('abidiff-v1', version, args.join(' '), hashOf(a.xml), hashOf(b.xml), whitelist).slice(0, 32);
  const cached = join(cacheDir('abi'), `diff-${key}.json`);
  const base = {
    version,
    oldSymbols: abixmlSymbols(a.xml),
    newSymbols: abixmlSymbols(b.xml),
  };
  if (existsSync(cached)) {
    const doc = CachedDiff.safeParse(parseJsonOrUndefined(readFileSync(cached, 'utf8')));
    if (doc.success)
      return {
        ...base,
        report: parseAbigailReport(doc.data.report),
        raw: doc.data.report,
        steps: [a.step, b.step, { step: 'abidiff', seconds: 0, cached: true }],
      };
    rmSync(cached, { force: true }); // not what kdk writes: compared again
  }
  log(`kdk: abidiff of the two kernels' ABI for ${symbols.length} changed CRCs (about a minute of CPU; cached)`);
  const s = scratchDir('abidiff');
  try {
    const files = [join(s.dir, 'old.abi'), join(s.dir, 'new.abi'), join(s.dir, 'whitelist')];
    writeFileSync(files[0], withoutCrcs(a.xml));
    writeFileSync(files[1], withoutCrcs(b.xml));
    writeFileSync(files[2], whitelist);
    const r = await run('abidiff', [...args, '--kmi-whitelist', files[2], files[0], files[1]], {
      timeoutMs,
      maxBuffer: MAX_REPORT_BYTES + 1,
    });
    if (r.timedOut) throw new AbigailError(`abidiff timed out after ${Math.round(timeoutMs / 1000)} s`);
    // abidiff's exit status is a bit field: 1 error, 2 usage error, 4 ABI change, 8 incompatible ABI change.
    if (r.code === null || (r.code & 3) !== 0)
      throw new AbigailError(`abidiff failed (${r.signal ?? `exit ${r.code}`}): ${tail(r.stderr || r.stdout)}`);
    if (r.stdout.length > MAX_REPORT_BYTES)
      throw new AbigailError(`abidiff's report is over ${MAX_REPORT_BYTES} bytes`);
    const seconds = r.wallMs / 1000;
    writeFileAtomic(cached, JSON.stringify({ version, seconds, report: r.stdout }));
    return {
      ...base,
      report: parseAbigailReport(r.stdout),
      raw: r.stdout,
      steps: [a.step, b.step, { step: 'abidiff', seconds, cached: false }],
    };
  } finally {
    s.release();
  }
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
