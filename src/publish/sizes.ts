// What a published suite weighs, per architecture, for `kdk plan`'s separate-archive strategies: the .deb sizes
// of the newest upload (image, -dbg, headers), read from the suite's own manifest. Measured, so no size ratio.
import { join, resolve } from 'node:path';
import { inputError } from '../util/errors.js';
import { currentGeneration, readManifest, type SuiteEntry } from './repo.js';
import { compareVersions } from './versions.js';

export interface PublishedArchSizes {
  version: string;
  image: number;
  dbg: number;
  headers: number;
  packages: string[];
}

export interface PublishedSizes {
  repo: string;
  suite: string;
  generation: number;
  /** Versions of the image package the suite holds (what --keep left). */
  versionsKept: number;
  archs: Record<string, PublishedArchSizes>;
}

type Kind = 'image' | 'dbg' | 'headers';
function kindOf(pkg: string): Kind | undefined {
  if (/^linux-image-.*-dbg$/.test(pkg)) return 'dbg';
  if (pkg.startsWith('linux-image-')) return 'image';
  if (pkg.startsWith('linux-headers-')) return 'headers';
  return undefined; // linux-libc-dev and the like are not part of a flavour's per-upload weight
}

export function publishedSizes(repoDir: string, suite: string): PublishedSizes {
  const repo = resolve(repoDir);
  const gen = currentGeneration(repo, suite);
  if (!gen)
    throw inputError(`no published suite '${suite}' in this repository (kdk publish first)`, join(repo, 'dists'));
  const m = readManifest(gen);
  const archs: Record<string, PublishedArchSizes> = {};
  const byArch = new Map<string, SuiteEntry[]>();
  for (const e of m.entries.filter((x) => kindOf(x.package))) {
    byArch.set(e.architecture, [...(byArch.get(e.architecture) ?? []), e]);
  }
  let versionsKept = 0;
  for (const [arch, list] of byArch) {
    const images = list.filter((e) => kindOf(e.package) === 'image');
    const newest = (images.length ? images : list).map((e) => e.version).sort((a, b) => compareVersions(b, a))[0];
    versionsKept = Math.max(versionsKept, new Set(images.map((e) => e.version)).size);
    const s: PublishedArchSizes = { version: newest, image: 0, dbg: 0, headers: 0, packages: [] };
    for (const e of list.filter((x) => x.version === newest)) {
      s[kindOf(e.package)!] += e.size;
      s.packages.push(e.package);
    }
    archs[arch] = s;
  }
  return { repo, suite, generation: m.generation, versionsKept, archs };
}
