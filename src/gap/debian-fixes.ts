// Which of Debian's own fixes count for a `--kernel` a user names: a Debian version (`6.1.192-3`) or
// `--distro debian` counts them by default, read from the packaging kdk has cached (patches + changelog) or,
// when none is, from the changelog the installed linux-source-* package ships. Nothing is downloaded here.
import { existsSync } from 'node:fs';
import { inputError } from '../util/errors.js';
import { compareDebianVersions, parseDebianKernel } from './debian-version.js';
import { readChangelogFile, readDistroSource, type DistroSource } from './distro.js';
import { branchOf, parseKernelArg, type Version } from './version.js';

export interface KernelSpec {
  version: Version;
  /** The Debian version when one was given (`6.1.192-3`). */
  debian?: string;
}

/** `--kernel`: an upstream version (`6.1.192`, `6.9-rc3`) or a Debian one (`6.1.192-3`). */
export function parseKernelSpec(text: string): KernelSpec {
  const deb = parseDebianKernel(text);
  if (deb) return { version: parseKernelArg(deb.upstream), debian: deb.text };
  return { version: parseKernelArg(text) };
}

/** Where linux-source-<branch> ships Debian's changelog. */
export const linuxSourceChangelog = (branch: string) => `/usr/share/doc/linux-source-${branch}/changelog.Debian.gz`;

export interface DistroChoice {
  source?: DistroSource;
  /** Said in the output: why Debian's fixes are not counted, or what the source covers. */
  note?: string;
}

/**
 * Debian's fixes for a kernel: from `--distro-source DIR` when given; else, for a Debian version or
 * `--distro debian`, the newest cached packaging of the branch or the installed linux-source changelog
 * (whichever is newer; packaging wins a tie, as it has the patches too).
 */
export async function chooseDistroSource(
  spec: KernelSpec,
  opts: { distro?: string; distroSource?: string; changelogFile?: (branch: string) => string },
): Promise<DistroChoice> {
  if (opts.distro !== undefined && opts.distro !== 'debian') {
    throw inputError(`--distro ${opts.distro}: only debian is known`);
  }
  const capped = (s: DistroSource): DistroSource =>
    spec.debian ? { ...s, upTo: spec.debian } : { ...s, upstreamUpTo: spec.version.text };
  if (opts.distroSource) {
    const s = readDistroSource(opts.distroSource);
    return { source: spec.debian ? { ...s, upTo: spec.debian } : s };
  }
  if (!spec.debian && opts.distro !== 'debian') {
    return {
      note: 'distro fixes are not counted: give a Debian version (--kernel 6.1.192-3) or --distro debian',
    };
  }
  const branch = branchOf(spec.version);
  // Loaded only here: a plain upstream query never needs the distro stage.
  const { cachedPackagings } = await import('../distro/index.js');
  const cached = cachedPackagings()
    .filter((p) => p.version.startsWith(`${branch}.`))
    .sort((a, b) => compareDebianVersions(b.version, a.version));
  // The very upload asked about, when cached; else the newest one.
  const packaging = cached.find((p) => p.version === spec.debian) ?? cached[0];
  const clFile = (opts.changelogFile ?? linuxSourceChangelog)(branch);
  const changelog = existsSync(clFile) ? readChangelogFile(clFile) : undefined;
  let source: DistroSource | undefined;
  const exact = packaging?.version === spec.debian;
  if (packaging && (exact || !changelog?.version || compareDebianVersions(packaging.version, changelog.version) >= 0)) {
    source = readDistroSource(packaging.dir);
    // A newer upload's patches are not in an older kernel: then only its changelog (per upload) counts.
    if (spec.debian && source.version && compareDebianVersions(source.version, spec.debian) > 0) {
      source = { ...source, patches: [] };
    }
  } else source = changelog;
  if (!source) {
    return {
      note: `Debian's fixes are not counted: no cached packaging of ${branch} and no ${clFile} (apt-get install linux-source-${branch}, or give --distro-source DIR)`,
    };
  }
  const behind =
    spec.debian && source.version && compareDebianVersions(source.version, spec.debian) < 0
      ? `Debian's changelog is known up to ${source.version}: later uploads up to ${spec.debian} are not counted`
      : undefined;
  return { source: capped(source), note: behind };
}
