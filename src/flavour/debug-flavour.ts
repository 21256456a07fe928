// The debug flavour: a distro base config plus debug profiles, evaluated against the kernel tree, with a report
// of what did not stick and what changed, and the files that would add it to the distro's packaging.
import { findArch } from '../util/arch.js';
import { FlavourManifest, MANIFEST_FILE } from './manifest.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceDirAtomic, writeFileAtomic } from '../util/atomic.js';
import { inputError } from '../util/errors.js';
import { excerpt } from '../util/text.js';
import { debianReleaseSourceTree, debianSourceTree, debianPackaging, systemRelease } from '../distro/index.js';
import { hashOf } from '../util/cache.js';
import { type ConfigMap, formatConfigMap } from '../kconfig/index.js';
import { composeDebianBase, type FlavourId, hierarchyFormat } from './debian-hierarchy.js';
import { composeKernelArk } from './kernel-ark.js';
import { readFlatConfig } from './flat.js';
import { composeProfiles, type ComposedProfile, removedFrom } from './profiles.js';
import { evaluateConfig, mergeWithReasons } from './evaluate.js';
import { type BaseChange, type ConfigValue, baseChanges, requestedReport } from './flavour-report.js';
import { debianDebugFeatureset } from './debian-snippet.js';
import { treeKernelVersion, treeSymbols } from './tree-symbols.js';
import { rustReadiness, type RustReadiness } from './rust-readiness.js';

/** Debian releases kdk composes, and their kernel series. */
export const SUPPORTED_RELEASES: Record<string, string> = { bookworm: '6.1', trixie: '6.12' };

export interface FlavourRequest {
  distro: 'debian' | 'fedora' | 'flat';
  release?: string;
  arch: string;
  featureset?: string;
  flavour?: string;
  profiles: string[];
  /**
   * Kernel tree to evaluate against (default: the release's Debian source: bookworm's installed linux-source-6.1,
   * or another release's linux-source at its packaging's version, downloaded into the cache).
   */
  srctree?: string;
  /** A flat base config (instead of the distro hierarchy). */
  config?: string;
  /** A Debian source package root holding debian/ (instead of fetching it with apt). */
  debianDir?: string;
  /** kernel-ark redhat/configs dir, flavor (fedora|rhel) and variant (x86_64, x86_64-debug). */
  arkConfigs?: string;
  arkFlavor?: string;
  log?: (line: string) => void;
}

export interface FlavourResult {
  /** key: hash of the composed base, so build records of plain and debug builds of one base can be paired. */
  base: { source: string; id: FlavourId; files: string[]; symbols: number; key: string };
  tree: string;
  /** The Debian linux-source package the tree is, when kdk fetched it (so a build can fetch it again). */
  treeSource?: { release?: string; version: string };
  /** The Debian release of the packaging. */
  release?: string;
  evaluator: string;
  profile: ComposedProfile;
  configHash: string;
  requested: { total: number; stuck: number; notStuck: ConfigValue[] };
  /** Profile options this kernel no longer has (declared `removed` in the profile data), left out with the reason. */
  removed: { symbol: string; profile: string; removedIn: string; why: string }[];
  /** The evaluated tree's kernel version (from its Makefile). */
  kernel?: string;
  /**
   * Which Debian packaging version (config hierarchy) was evaluated on which tree. They differ when the tree's own
   * version is not downloadable (then `warnings` says so): options the newer packaging sets may not exist yet.
   */
  packaging?: { version: string; treeVersion?: string; kernel?: string; matches: boolean };
  /** Things a maintainer should know about the result (a packaging/tree mismatch). */
  warnings: string[];
  requiredMissing: string[];
  baseChanges: { requested: BaseChange[]; knockOn: BaseChange[] };
  stuck: ConfigValue[];
  /** Can RUST be enabled on this tree with this machine's toolchain (the tree's rust_is_available.sh), and why not. */
  rust: RustReadiness;
  text: string;
  debianFiles: Record<string, string>;
}

interface Base {
  config: ConfigMap;
  source: string;
  id: FlavourId;
  files: string[];
  /** The Debian packaging's version (undefined for a flat or kernel-ark base). */
  packagingVersion?: string;
  /** The packaging's version when it is another release's (its source tree must match it). */
  releaseVersion?: string;
  format: 'toml' | 'defines';
}

/** The Debian release asked for, when it is not the machine's own (its packages come through a private apt). */
function otherRelease(req: FlavourRequest): string | undefined {
  const release = req.release ?? 'bookworm';
  return req.distro === 'debian' && release !== 'bookworm' && release !== systemRelease() ? release : undefined;
}

function baseConfig(req: FlavourRequest, treeVersion?: string): Base {
  const id: FlavourId = { arch: req.arch, featureset: req.featureset ?? 'none', flavour: req.flavour ?? req.arch };
  if (req.config) {
    const config = readFlatConfig(req.config);
    return { config, source: `flat config ${req.config}`, id, files: [req.config], format: 'defines' };
  }
  if (req.distro === 'fedora') {
    if (!req.arkConfigs) throw inputError('--distro fedora needs --ark-configs DIR (kernel-ark redhat/configs)');
    const c = composeKernelArk(req.arkConfigs, req.arkFlavor ?? 'fedora', req.flavour ?? req.arch);
    return { config: c.config, source: `kernel-ark ${req.arkConfigs}`, id, files: c.layers, format: 'defines' };
  }
  if (req.distro === 'flat') throw inputError('--distro flat needs --config FILE');
  if (req.release && !SUPPORTED_RELEASES[req.release]) {
    throw inputError(
      `unsupported Debian release '${req.release}' (supported: ${Object.keys(SUPPORTED_RELEASES).join(', ')})`,
    );
  }
  const release = otherRelease(req);
  // The system tree's own packaging version when the archive still serves it: the hierarchy and the tree agree.
  const pkg = req.debianDir ? undefined : debianPackaging({ release, prefer: treeVersion, log: req.log });
  const root = req.debianDir ?? pkg!.dir;
  // Read (and checked) first: with --release the version names a cache directory; it is also reported against the tree.
  const version = pkg?.version ?? changelogVersion(join(root, 'debian', 'changelog'));
  const b = composeDebianBase(join(root, 'debian'), id);
  return {
    config: b.config,
    source: `Debian packaging ${root}`,
    id,
    files: b.files,
    packagingVersion: version,
    releaseVersion: release ? version : undefined,
    format: hierarchyFormat(join(root, 'debian')),
  };
}

/** Debian's version syntax (Policy 5.6.12): [epoch:]upstream[-revision], upstream starting with a digit.
 * No slash, no space, never `.` or `..`: a version is safe as one path component. */
const DEBIAN_VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/;

/** The packaging version against the tree's: its Debian version when known, else its Makefile's kernel version. */
function packagingOnTree(
  version: string | undefined,
  treeVersion: string | undefined,
  kernel: string | undefined,
): FlavourResult['packaging'] {
  if (!version) return undefined;
  const upstream = version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  const matches = treeVersion ? treeVersion === version : kernel === upstream;
  return { version, treeVersion, kernel, matches };
}

export function changelogVersion(file: string): string {
  const m = /^\S+ \(([^)\s]+)\)/.exec(readFileSync(file, 'utf8'));
  if (!m) throw inputError('no version in the first line', file, 1);
  if (!DEBIAN_VERSION.test(m[1]) || m[1].length > 128) {
    throw inputError(`${excerpt(m[1], 60)} is not a Debian version ([epoch:]upstream[-revision])`, file, 1);
  }
  return m[1];
}

/** Compose, evaluate and report; writes nothing (see writeFlavour). */
export async function makeDebugFlavour(req: FlavourRequest): Promise<FlavourResult> {
  const log = req.log ?? (() => {});
  let profile = composeProfiles(req.profiles);
  const release = otherRelease(req);
  // The machine's own tree comes first, so its version can pick the packaging that matches it.
  const systemTree = req.srctree || release ? undefined : debianSourceTree(log);
  const base = baseConfig(req, systemTree?.version);
  // Another release's tree is its linux-source at the packaging's version.
  const releaseTree =
    !req.srctree && release && base.releaseVersion
      ? debianReleaseSourceTree(release, base.releaseVersion, log)
      : undefined;
  const source = req.srctree
    ? undefined
    : releaseTree
      ? { release, ...releaseTree }
      : (systemTree ?? debianSourceTree(log));
  const tree = req.srctree ?? source!.dir;
  const kernel = treeKernelVersion(tree);
  const packaging = packagingOnTree(base.packagingVersion, (releaseTree ?? systemTree)?.version, kernel);
  const warnings: string[] = [];
  if (packaging && !packaging.matches) {
    warnings.push(
      `Debian packaging ${packaging.version} evaluated on a ${packaging.treeVersion ?? packaging.kernel ?? 'unknown'} ` +
        `tree (${tree}): its config hierarchy may set options this tree lacks or miss ones it has; ` +
        `give the matching packaging with --debian-dir or the matching tree with --srctree`,
    );
  }
  for (const w of warnings) log(`warning: ${w}`);
  const missing = profile.options.filter((o) => !treeSymbols(tree).has(o.symbol));
  const gone = missing.filter((o) => removedFrom(o, kernel));
  const unknown = missing.filter((o) => !removedFrom(o, kernel));
  if (unknown.length) {
    throw inputError(
      `profile options that do not exist in the kernel${kernel ? ` ${kernel}` : ''} at ${tree}: ` +
        unknown.map((o) => `CONFIG_${o.symbol} (profile ${o.profile})`).join(', ') +
        ` (if one was renamed or removed upstream, say so in the profile's data: a 'removed' entry)`,
    );
  }
  for (const o of gone) log(`CONFIG_${o.symbol} is not in ${kernel} (left out): ${o.removed!.why}`);
  profile = { ...profile, options: profile.options.filter((o) => !gone.includes(o)) };
  log(`evaluating the base (${base.config.size} symbols from ${base.files.length} files)`);
  const kernelArch = base.id.arch;
  const baseFinal = evaluateConfig(tree, kernelArch, base.config);
  const fragment = new Map(profile.options.map((o) => [o.symbol, o.value]));
  log(`evaluating base + ${profile.profiles.join('+')} (${profile.options.length} requested options)`);
  const final = mergeWithReasons(tree, kernelArch, baseFinal.text, fragment);
  const { stuck, notStuck } = requestedReport(tree, profile.options, final.config, final.report);
  const requestedSyms = new Set(profile.options.map((o) => o.symbol));
  const changes = baseChanges(baseFinal.config, final.config, requestedSyms, final.report);
  const rust = rustReadiness(tree, kernelArch);
  rust.config = {
    RUST_IS_AVAILABLE: final.config.get('RUST_IS_AVAILABLE') ?? 'n',
    RUST: final.config.get('RUST') ?? 'n',
  };
  return {
    base: {
      source: base.source,
      id: base.id,
      files: base.files,
      symbols: base.config.size,
      key: hashOf(formatConfigMap(base.config)).slice(0, 16),
    },
    tree,
    treeSource: source && { release: 'release' in source ? source.release : undefined, version: source.version },
    release: req.distro === 'debian' && !req.config ? (req.release ?? 'bookworm') : undefined,
    evaluator: final.evaluator,
    profile,
    configHash: hashOf(final.text).slice(0, 16),
    requested: { total: profile.options.length, stuck: stuck.length, notStuck },
    removed: gone.map((o) => ({ symbol: o.symbol, profile: o.profile, removedIn: o.removed!.in, why: o.removed!.why })),
    kernel,
    packaging,
    warnings,
    requiredMissing: notStuck.filter((v) => v.level === 'required').map((v) => v.symbol),
    baseChanges: { requested: changes.filter((c) => c.requested), knockOn: changes.filter((c) => !c.requested) },
    stuck,
    rust,
    text: final.text,
    debianFiles: debianDebugFeatureset(base.id.arch, base.id.flavour, profile.profiles, stuck, base.format).files,
  };
}

export function reportJson(r: FlavourResult): object {
  const { text: _text, debianFiles: _files, stuck: _stuck, ...rest } = r;
  return rest;
}

/**
 * Write the flavour's outputs into `out`, replacing the directory as a whole (util/atomic replaceDirAtomic): a
 * failure leaves the previous outputs exactly as they were, never report.json of one run beside .config of another.
 * What else the directory holds (kdk build's build/ tree, records, .debs) is kept.
 */
export function writeFlavour(r: FlavourResult, out: string): string[] {
  const files: [string, string][] = [
    ['report.json', JSON.stringify(reportJson(r), null, 2) + '\n'],
    ['fragment.config', formatConfigMap(new Map(r.stuck.map((v) => [v.symbol, v.final])))],
    ...Object.entries(r.debianFiles),
    [MANIFEST_FILE, JSON.stringify(flavourManifest(r), null, 2) + '\n'],
    ['.config', r.text],
  ];
  replaceDirAtomic(out, (tmp) => {
    for (const [rel, data] of files) writeFileAtomic(join(tmp, rel), data);
  });
  return files.map(([rel]) => join(out, rel));
}

/** The build hand-off (manifest.ts): the tree evaluated on, arch, profiles and hashes. */
export function flavourManifest(r: FlavourResult): FlavourManifest {
  // kernel-ark's arch variants (x86_64-debug) are not in the arch table: kept as given.
  const arch = findArch(r.base.id.arch);
  return FlavourManifest.parse({
    kdkFlavourManifest: 1,
    tree: { path: r.tree, kernelVersion: r.kernel, debian: r.treeSource },
    release: r.release,
    arch: arch?.kernel ?? r.base.id.arch,
    debianArch: arch?.debian ?? r.base.id.arch,
    flavour: r.base.id.flavour,
    profiles: r.profile.profiles,
    configHash: r.configHash,
    baseKey: r.base.key,
  });
}
