// Measured inputs for the plan: the sizes of Debian's kernel packages per architecture, read from apt's own
// Packages indexes. Other architectures' indexes are fetched with apt-get into a private lists directory under
// the cache (the machine's apt state is not touched), uncompressed, and distilled into a small JSON.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { envError } from '../util/errors.js';
import { isRoot } from '../util/deps.js';
import { debianMirrors } from '../distro/index.js';

/** Debian 12's release architectures (what `debian/config/defines` builds and the archive ships in main). */
export const BOOKWORM_RELEASE_ARCHS = ['amd64', 'arm64', 'armel', 'armhf', 'i386', 'mips64el', 'ppc64el', 's390x'];

export interface FlavourSizes {
  arch: string;
  flavour: string;
  abi: string;
  version: string;
  /** .deb sizes in bytes (what the archive stores and mirrors carry). */
  image: number;
  dbg: number;
  headers: number;
}

export interface MeasuredSizes {
  release: string;
  source: string;
  fetched: string;
  archs: Record<string, FlavourSizes[]>;
  /** Architectures whose index could not be read. */
  missing: string[];
}

function aptUpdate(dir: string, release: string, archs: string[], log: (l: string) => void): void {
  if (!isRoot()) throw envError("fetching other architectures' Packages indexes needs apt-get as root", 'run as root');
  const m = debianMirrors();
  mkdirSync(join(dir, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true });
  const opt = `[arch=${archs.join(',')} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]`;
  writeFileSync(
    join(dir, 'sources.list'),
    `deb ${opt} ${m.debian} ${release} main\ndeb ${opt} ${m.security} ${release}-security main\n`,
  );
  log(`kdk: apt-get update for ${archs.join(', ')} (${release}, into ${dir})`);
  const r = spawnSync(
    'apt-get',
    [
      '-q',
      `-o=Dir::State::Lists=${join(dir, 'lists')}`,
      `-o=Dir::Cache=${join(dir, 'cache')}`,
      `-o=Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
      '-o=Dir::Etc::SourceParts=/nonexistent',
      `-o=APT::Architectures=${archs.join(',')}`,
      '-o=Acquire::GzipIndexes=false',
      '-o=Acquire::Languages=none',
      '-o=Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false',
      'update',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  // apt exits 100 when some index failed (a mirror mid-sync); what did arrive is still usable.
  for (const l of (r.stdout + r.stderr).split('\n').filter((x) => /^(E|Err):/.test(x))) log(`kdk: apt: ${l}`);
}

const IMAGE = /^linux-image-(\d+\.\d+\.\d+-[\d.]+)-(.+?)(-unsigned)?(-dbg)?$/;
const HEADERS = /^linux-headers-(\d+\.\d+\.\d+-[\d.]+)-(.+)$/;

/** Newest ABI's image/-dbg/headers .deb sizes for every flavour in one Packages file. */
export function kernelSizesFromPackages(text: string, arch: string): FlavourSizes[] {
  const byKey = new Map<string, FlavourSizes>();
  for (const stanza of text.split('\n\n')) {
    if (!stanza.startsWith('Package: linux-')) continue;
    const pkg = /^Package: (\S+)/.exec(stanza)![1];
    const size = Number(/^Size: (\d+)/m.exec(stanza)?.[1] ?? 0);
    const version = /^Version: (\S+)/m.exec(stanza)?.[1] ?? '';
    const img = IMAGE.exec(pkg);
    const hdr = img ? null : HEADERS.exec(pkg);
    if (!img && (!hdr || hdr[2] === 'common' || hdr[2].endsWith('-common') || hdr[2].startsWith('common'))) continue;
    const abi = (img ?? hdr)![1];
    const flavour = (img ?? hdr)![2];
    const key = `${abi}/${flavour}`;
    const e = byKey.get(key) ?? { arch, flavour, abi, version, image: 0, dbg: 0, headers: 0 };
    if (img?.[4]) e.dbg = size;
    else if (img)
      e.image = Math.max(e.image, size); // signed and -unsigned images are the same size
    else e.headers = size;
    byKey.set(key, e);
  }
  const newest = new Map<string, FlavourSizes>();
  const abiNum = (a: string) => Number(a.split('-')[1]);
  for (const e of byKey.values()) {
    if (!e.image || !e.dbg) continue; // only flavours with both packages are real build flavours
    const prev = newest.get(e.flavour);
    if (!prev || abiNum(e.abi) > abiNum(prev.abi)) newest.set(e.flavour, e);
  }
  return [...newest.values()].sort((a, b) => a.flavour.localeCompare(b.flavour));
}

/** Sizes for every release architecture; fetched once and cached (pass refresh to fetch again). */
export function measuredSizes(
  opts: { release?: string; archs?: string[]; refresh?: boolean; log?: (l: string) => void } = {},
): MeasuredSizes {
  const release = opts.release ?? 'bookworm';
  const archs = opts.archs ?? BOOKWORM_RELEASE_ARCHS;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const dir = join(cacheDir('debian'), 'apt-archs');
  const distilled = join(dir, `kernel-sizes-${release}-${archs.join('_')}.json`);
  if (!opts.refresh && existsSync(distilled)) return JSON.parse(readFileSync(distilled, 'utf8')) as MeasuredSizes;
  const listDir = join(dir, 'lists');
  const have = (a: string) =>
    existsSync(listDir) && readdirSync(listDir).some((f) => f.includes(`_${release}_main_binary-${a}_Packages`));
  if (opts.refresh || !archs.every(have)) aptUpdate(dir, release, archs, log);
  const out: MeasuredSizes = { release, source: '', fetched: '', archs: {}, missing: [] };
  const files: string[] = [];
  for (const a of archs) {
    // Security uploads carry the newest kernels; the release suite has the point-release one.
    const candidates = readdirSync(listDir).filter((f) =>
      new RegExp(`_${release}(-security)?_main_binary-${a}_Packages$`).test(f),
    );
    const sizes = candidates.flatMap((f) => kernelSizesFromPackages(readFileSync(join(listDir, f), 'utf8'), a));
    const best = new Map<string, FlavourSizes>();
    for (const s of sizes) {
      const p = best.get(s.flavour);
      if (!p || Number(s.abi.split('-')[1]) > Number(p.abi.split('-')[1])) best.set(s.flavour, s);
    }
    if (best.size === 0) out.missing.push(a);
    out.archs[a] = [...best.values()];
    files.push(...candidates);
  }
  out.source = `apt Packages indexes in ${listDir}: ${files.join(', ')}`;
  out.fetched = new Date(Math.max(...files.map((f) => statSync(join(listDir, f)).mtimeMs), 0)).toISOString();
  writeFileAtomic(distilled, JSON.stringify(out, null, 2) + '\n');
  return out;
}
