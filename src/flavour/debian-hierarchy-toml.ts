// The flavours and config file lists of a `defines.toml` hierarchy (trixie's linux 6.12), following config_v2.py's
// ConfigMerged* classes and debian/bin/gencontrol.py:
// - debian architectures come from the root's [[kernelarch.debianarch]] lists, sorted by name (gencontrol sorts
//   them "the same way as before"); a debianarch's featuresets come from its own defines.toml, and a featureset
//   without [[featureset.flavour]] entries gets the debianarch's flavours;
// - an entry is built only when it and every entry above it is enabled;
// - a flavour's config list is, for each of root, kernelarch, debianarch, debianarch flavour, root featureset,
//   debianarch featureset and featureset flavour: its `build.config` files, then its default file (config,
//   kernelarch-K/config, A/config, A/config.F, featureset-FS/config, A/FS/config, A/FS/config.F), each kept
//   only where it exists in a config base directory (debian/config, then debian/config.local).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../util/errors.js';
import { isLink } from './debian-files.js';
import {
  type ConfigRef,
  type TomlNode,
  readTomlHierarchy,
  tomlLineOf,
  withInheritedFlavours,
} from './debian-defines-toml.js';

export interface TomlFlavourPlan {
  arch: string;
  featureset: string;
  flavour: string;
  kernelArch: string;
  /** The seven entries of the merged flavour, in order, each with its default config file. */
  entries: { node: TomlNode; defaultConfig: string }[];
}

/** Config base directories, as gencontrol.py's default config_dirs. */
export function tomlBases(debianDir: string): string[] {
  return [join(debianDir, 'config'), join(debianDir, 'config.local')];
}

/** Every flavour gencontrol.py would build, in its order, with the entries its config list is made from. */
export function tomlFlavourPlans(debianDir: string): TomlFlavourPlan[] {
  // config_v2 runs __post_init_hierarchy__ again once every file is read: featuresets still without flavours
  // take their debianarch's now.
  const root = withInheritedFlavours(readTomlHierarchy(tomlBases(debianDir)));
  const rootNode: TomlNode = { name: '', enable: true, config: root.config };
  const where = join(debianDir, 'config', 'defines.toml');
  const arches = root.kernelarch
    .flatMap((k) => k.debianarch.map((d) => ({ k, d })))
    .sort((a, b) => (a.d.name < b.d.name ? -1 : a.d.name > b.d.name ? 1 : 0));
  const out: TomlFlavourPlan[] = [];
  for (const { k, d } of arches) {
    if (!k.enable || !d.enable) continue;
    for (const fs of d.featureset) {
      const rootFs = root.featureset.find((f) => f.name === fs.name);
      if (!rootFs) throw inputError(`${d.name} builds featureset '${fs.name}', which the root does not declare`, where);
      if (!rootFs.enable || !fs.enable) continue;
      for (const fl of fs.flavour) {
        const daFl = d.flavour.find((f) => f.name === fl.name);
        if (!daFl) {
          throw inputError(
            `featureset '${fs.name}' of ${d.name} names flavour '${fl.name}', which ${d.name} does not define`,
            join(debianDir, 'config', d.name, 'defines.toml'),
          );
        }
        if (!daFl.enable || !fl.enable) continue;
        out.push({
          arch: d.name,
          featureset: fs.name,
          flavour: fl.name,
          kernelArch: k.name,
          entries: [
            { node: rootNode, defaultConfig: 'config' },
            { node: k, defaultConfig: `kernelarch-${k.name}/config` },
            { node: d, defaultConfig: `${d.name}/config` },
            { node: daFl, defaultConfig: `${d.name}/config.${fl.name}` },
            { node: rootFs, defaultConfig: `featureset-${fs.name}/config` },
            { node: fs, defaultConfig: `${d.name}/${fs.name}/config` },
            { node: fl, defaultConfig: `${d.name}/${fs.name}/config.${fl.name}` },
          ],
        });
      }
    }
  }
  return out;
}

/**
 * The files gencontrol.py puts in KCONFIG: every candidate that exists in a base directory. Debian skips a
 * missing file silently; kdk does too for default files, but a file named in a `build.config` list that exists in
 * no base is a typo in the packaging and is reported with the defines.toml line that names it. A dangling or
 * looping symlink is kept so the caller reports it (Debian's Path.exists() would drop it).
 */
export function tomlConfigFiles(debianDir: string, plan: TomlFlavourPlan): string[] {
  const bases = tomlBases(debianDir);
  const files: string[] = [];
  const add = (rel: string, ref?: ConfigRef) => {
    const hits = bases.map((b) => join(b, rel)).filter((p) => existsSync(p) || isLink(p));
    if (hits.length === 0 && ref) {
      const line = tomlLineOf(readFileSync(ref.file, 'utf8'), rel);
      throw inputError(`config file '${rel}' listed in 'build.config' is missing`, ref.file, line);
    }
    files.push(...hits);
  };
  for (const { node, defaultConfig } of plan.entries) {
    for (const ref of node.config) add(ref.path, ref);
    add(defaultConfig);
  }
  return files;
}

interface ChangelogEntry {
  version: string;
  distribution: string;
}

/** VersionLinux: '6.12.107-1' → linux_upstream '6.12', linux_upstream_full '6.12.107'; '6.13~rc3-1~exp1' → '6.13-rc3'. */
export function linuxUpstream(version: string): { upstream: string; full: string } | undefined {
  const up = version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  const m = /^(\d+\.\d+)((?:\.\d+)?(?:-[a-z]+\d+)?)(?:~(.+?))?(?:\.dfsg\.\d+)?$/.exec(up);
  if (!m) return undefined;
  const upstream = m[3] ? `${m[1]}-${m[3]}` : m[1];
  return { upstream, full: upstream + m[2] };
}

/**
 * gencontrol.py's process_changelog: the first [[debianrelease]] whose name_regex matches the newest changelog
 * entry's distribution gives the suffix; with abi_version_full the ABI is the full upstream version plus suffix,
 * plus '.N' when N earlier uploads of that upstream version went to a matching distribution (6.12.115+deb13.1).
 */
export function tomlAbiname(debianDir: string): string {
  const file = join(debianDir, 'changelog');
  const entries: ChangelogEntry[] = [
    ...readFileSync(file, 'utf8').matchAll(/^\w[-+0-9a-z.]+ \(([^() \t]+)\)\s+([-+0-9a-zA-Z.]+);\s+urgency=/gm),
  ].map((m) => ({ version: m[1], distribution: m[2] }));
  if (entries.length === 0) throw inputError('no entries found', file, 1);
  const top = entries[0];
  const v = linuxUpstream(top.version);
  if (!v) throw inputError(`'${top.version}' is not a Debian linux version`, file, 1);
  const releases = readTomlHierarchy(tomlBases(debianDir)).debianrelease;
  const rel = releases.find((r) => new RegExp(`^(?:${r.nameRegex})$`).test(top.distribution));
  if (!rel) {
    throw inputError(`no [[debianrelease]] matches '${top.distribution}'`, join(debianDir, 'config', 'defines.toml'));
  }
  if (!rel.abiVersionFull) return v.upstream + rel.abiSuffix;
  const re = new RegExp(`^(?:${rel.nameRegex})$`);
  const n = entries.filter((e) => linuxUpstream(e.version)?.full === v.full && re.test(e.distribution)).length;
  return v.full + rel.abiSuffix + (n > 1 ? `.${n - 1}` : '');
}
