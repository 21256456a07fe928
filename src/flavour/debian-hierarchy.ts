// Debian's kernel config hierarchy (debian/config in the `linux` source package), read the way
// debian/bin/gencontrol.py composes it. Two formats: trixie's `defines.toml` (see debian-hierarchy-toml.ts), and
// the RawConfigParser `defines` of bookworm and before, composed here: config -> kernelarch-K/config -> ARCH/config -> ARCH/config.FLAVOUR ->
// featureset-FS/config -> ARCH/FS/config -> ARCH/FS/config.FLAVOUR, where any step's file list can be replaced by
// a `configs:` entry in the matching `defines` section ([image], [FLAVOUR_image], [featureset-FS_image]).
// debian/bin/kconfig.py then concatenates them (later wins) and adds BUILD_SALT and MODULE_SIG_KEY.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../util/errors.js';
import { type ConfigMap, type ConfigEntryOrigin, readConfigMap } from '../kconfig/index.js';
import { type Defines, type DefinesValue, definesGet, readDefines } from './debian-defines.js';
import { isLink } from './debian-files.js';
import { tomlAbiname, tomlConfigFiles, tomlFlavourPlans } from './debian-hierarchy-toml.js';

export interface FlavourId {
  arch: string;
  featureset: string;
  flavour: string;
}

export interface ComposedBase {
  id: FlavourId;
  /** The config files in the order they are applied. */
  files: string[];
  config: ConfigMap;
  /** Where each symbol's final value was written. */
  origins: Map<string, ConfigEntryOrigin>;
  /** e.g. 6.1.0-53 (from debian/changelog, as gencontrol.py computes it). */
  abiname: string;
  kernelArch: string;
}

interface Hierarchy {
  configDir: string;
  top: Defines;
  arch(a: string): Defines;
  archFs(a: string, fs: string): Defines;
  fs(fs: string): Defines;
}

/** 'toml' for trixie onwards (debian/config/defines.toml), 'defines' for bookworm and before. */
export function hierarchyFormat(debianDir: string): 'toml' | 'defines' {
  const configDir = join(debianDir, 'config');
  if (existsSync(join(configDir, 'defines.toml'))) return 'toml';
  if (existsSync(join(configDir, 'defines'))) return 'defines';
  throw inputError(`not a Debian kernel config hierarchy: neither defines.toml nor defines in ${configDir}`);
}

function hierarchy(debianDir: string): Hierarchy {
  const configDir = join(debianDir, 'config');
  if (!existsSync(join(configDir, 'defines'))) {
    throw inputError(`not a Debian kernel config hierarchy: ${join(configDir, 'defines')} is missing`);
  }
  return {
    configDir,
    top: readDefines(join(configDir, 'defines')),
    arch: (a) => readDefines(join(configDir, a, 'defines')),
    archFs: (a, fs) => readDefines(join(configDir, a, fs, 'defines')),
    fs: (fs) => readDefines(join(configDir, `featureset-${fs}`, 'defines')),
  };
}

/** Every (arch, featureset, flavour) the hierarchy builds, in defines order. */
export function listDebianFlavours(debianDir: string): FlavourId[] {
  if (hierarchyFormat(debianDir) === 'toml') {
    return tomlFlavourPlans(debianDir).map(({ arch, featureset, flavour }) => ({ arch, featureset, flavour }));
  }
  const h = hierarchy(debianDir);
  const out: FlavourId[] = [];
  for (const arch of definesGet(h.top, 'base', 'arches')?.items ?? []) {
    const ad = h.arch(arch);
    const featuresets = definesGet(ad, 'base', 'featuresets')?.items ?? ['none'];
    for (const fs of featuresets) {
      const enabled = definesGet(h.top, `featureset-${fs}_base`, 'enabled')?.raw ?? 'true';
      if (fs !== 'none' && enabled === 'false') continue;
      const flavours =
        definesGet(h.archFs(arch, fs), 'base', 'flavours')?.items ??
        (fs === 'none' ? definesGet(ad, 'base', 'flavours')?.items : undefined) ??
        [];
      for (const flavour of flavours) out.push({ arch, featureset: fs, flavour });
    }
  }
  return out;
}

/** One step of the composition: a default file, or the `configs:` list that replaces it. */
function step(h: Hierarchy, override: DefinesValue | undefined, fallback: string, required: boolean): string[] {
  if (!override) {
    const p = join(h.configDir, fallback);
    if (existsSync(p) || isLink(p)) return [p];
    if (required) throw inputError(`required config file ${p} is missing`);
    return [];
  }
  return override.items.map((f) => {
    const p = join(h.configDir, f);
    if (!existsSync(p) && !isLink(p))
      throw inputError(`config file '${f}' listed in 'configs' is missing`, override.file, override.line);
    return p;
  });
}

/** The ordered config files for one flavour, exactly as gencontrol.py lists them in KCONFIG. */
export function debianConfigFiles(debianDir: string, id: FlavourId): { files: string[]; kernelArch: string } {
  const known = listDebianFlavours(debianDir);
  if (!known.some((k) => k.arch === id.arch && k.featureset === id.featureset && k.flavour === id.flavour)) {
    const same = known.filter((k) => k.arch === id.arch).map((k) => `${k.featureset}/${k.flavour}`);
    throw inputError(
      `Debian's packaging has no flavour ${id.arch}/${id.featureset}/${id.flavour}` +
        (same.length ? ` (${id.arch} has: ${same.join(', ')})` : ` (unknown arch '${id.arch}')`),
    );
  }
  const { files, kernelArch } =
    hierarchyFormat(debianDir) === 'toml' ? tomlFiles(debianDir, id) : definesFiles(debianDir, id);
  // A file may legitimately appear twice (Debian applies amd64/config.cloud-amd64 both as ARCH/config.FLAVOUR and
  // from amd64/none's [cloud-amd64_image] list). The only possible loop is a symlink cycle: name it.
  for (const f of files) {
    try {
      realpathSync(f);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw inputError(`symlink loop in the hierarchy at ${f}`);
      throw err;
    }
  }
  return { files, kernelArch };
}

function tomlFiles(debianDir: string, id: FlavourId): { files: string[]; kernelArch: string } {
  const plan = tomlFlavourPlans(debianDir).find(
    (p) => p.arch === id.arch && p.featureset === id.featureset && p.flavour === id.flavour,
  )!;
  return { files: tomlConfigFiles(debianDir, plan), kernelArch: plan.kernelArch };
}

function definesFiles(debianDir: string, id: FlavourId): { files: string[]; kernelArch: string } {
  const h = hierarchy(debianDir);
  const { arch, featureset: fs, flavour } = id;
  const ad = h.arch(arch);
  const afd = h.archFs(arch, fs);
  const kernelArch = definesGet(ad, 'base', 'kernel-arch')?.raw;
  if (!kernelArch) throw inputError(`no 'kernel-arch' in [base]`, join(h.configDir, arch, 'defines'));
  const files = [
    ...step(h, definesGet(h.top, 'image', 'configs'), 'config', true),
    ...step(h, undefined, `kernelarch-${kernelArch}/config`, false),
    ...step(h, definesGet(ad, 'image', 'configs'), `${arch}/config`, true),
    ...step(h, definesGet(ad, `${flavour}_image`, 'configs'), `${arch}/config.${flavour}`, false),
    ...step(
      h,
      definesGet(h.top, `featureset-${fs}_image`, 'configs') ?? definesGet(h.fs(fs), 'image', 'configs'),
      `featureset-${fs}/config`,
      false,
    ),
    ...step(h, definesGet(afd, 'image', 'configs'), `${arch}/${fs}/config`, false),
    ...step(h, definesGet(afd, `${flavour}_image`, 'configs'), `${arch}/${fs}/config.${flavour}`, false),
  ];
  return { files, kernelArch };
}

/**
 * The ABI name from debian/changelog: trixie's rule for defines.toml hierarchies (6.12.107+deb13), else
 * gencontrol.py's pre-trixie rule for 6.1 (6.1.0-53): 38 at 6.1.147-1 plus one per later non-backport upload.
 * An explicit [abi] abiname in defines wins.
 */
export function debianAbiname(debianDir: string): string {
  if (hierarchyFormat(debianDir) === 'toml') return tomlAbiname(debianDir);
  const explicit = definesGet(hierarchy(debianDir).top, 'abi', 'abiname')?.raw;
  const text = readFileSync(join(debianDir, 'changelog'), 'utf8');
  const entries = [...text.matchAll(/^linux \(([^)]+)\) ([^;]+);/gm)].map((m) => ({ version: m[1], dist: m[2] }));
  if (entries.length === 0) throw inputError('no entries found', join(debianDir, 'changelog'), 1);
  const upstream = entries[0].version.replace(/-[^-]+$/, '');
  const base = upstream.replace(/^(\d+\.\d+)(?=\.|$).*$/, '$1') + '.0';
  if (explicit) return `${base}-${explicit}`;
  let major = 0;
  let found = false;
  for (const e of entries) {
    if (e.version.includes('~')) continue;
    if (e.version === '6.1.147-1') {
      major += 38;
      found = true;
      break;
    }
    major++;
  }
  if (!found) throw inputError(`cannot compute the ABI name: no 6.1.147-1 entry`, join(debianDir, 'changelog'));
  const prefix = ({ bullseye: '0.deb11.', buster: '0.deb10.', stretch: '0.deb9.' } as Record<string, string>)[
    entries[0].dist.replace(/-.*/, '')
  ];
  return `${base}-${prefix ?? ''}${major}`;
}

/** Compose the base config for one flavour: the files in order (later wins), then kconfig.py's overrides. */
export function composeDebianBase(debianDir: string, id: FlavourId): ComposedBase {
  const { files, kernelArch } = debianConfigFiles(debianDir, id);
  const config: ConfigMap = new Map();
  const origins = new Map<string, ConfigEntryOrigin>();
  for (const f of files) for (const [k, v] of readConfigMap(f, { origins, strict: true })) config.set(k, v);
  const abiname = debianAbiname(debianDir);
  // rules.real: kconfig.py -o BUILD_SALT="<abiname><localversion>" -o MODULE_SIG_KEY="output/signing_key.pem",
  // where the local version carries the featureset unless it is 'none' (6.1.0-53-rt-amd64); the same in trixie.
  const localversion = `${id.featureset === 'none' ? '' : `-${id.featureset}`}-${id.flavour}`;
  config.set('BUILD_SALT', `"${abiname}${localversion}"`);
  config.set('MODULE_SIG_KEY', '"output/signing_key.pem"');
  return { id, files, config, origins, abiname, kernelArch };
}
