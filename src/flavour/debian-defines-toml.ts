// Debian's `defines.toml` files (trixie onwards: linux 6.12's debian/config), read and merged the way
// debian/lib/python/debian_linux/config_v2.py does it. Only what composing a flavour's config needs is modelled:
// names, `enable`, `build.config` lists and the kernelarch → debianarch → featureset → flavour tree. Other keys
// (descriptions, relations, packages...) are left to Debian's own tools and ignored here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { inputError } from '../util/errors.js';

/** One entry of the hierarchy (config_v2's ConfigBase), with the file each `build.config` list came from. */
export interface TomlNode {
  name: string;
  enable: boolean;
  /** `build.config`: extra config files, relative to a config base directory, applied before the default one. */
  config: ConfigRef[];
}
export interface ConfigRef {
  path: string;
  file: string;
}
export type TomlFlavour = TomlNode;
export interface TomlFeatureset extends TomlNode {
  flavour: TomlFlavour[];
}
export interface TomlDebianarch extends TomlNode {
  featureset: TomlFeatureset[];
  flavour: TomlFlavour[];
}
export interface TomlKernelarch extends TomlNode {
  debianarch: TomlDebianarch[];
}
export interface TomlDebianrelease {
  nameRegex: string;
  abiVersionFull: boolean;
  abiSuffix: string;
}
export interface TomlRoot {
  config: ConfigRef[];
  featureset: TomlFeatureset[];
  kernelarch: TomlKernelarch[];
  debianrelease: TomlDebianrelease[];
}

// Unknown keys pass: they belong to Debian's packaging tools (descriptions, relations...), not to config composition.
const build = z.object({ config: z.array(z.string()).optional() }).passthrough();
const base = { name: z.string().min(1), enable: z.boolean().optional(), build: build.optional() };
const flavourS = z.object(base).passthrough();
const featuresetS = z.object({ ...base, flavour: z.array(flavourS).optional() }).passthrough();
const debianarchS = z
  .object({ ...base, featureset: z.array(featuresetS).optional(), flavour: z.array(flavourS).optional() })
  .passthrough();
const kernelarchS = z.object({ ...base, debianarch: z.array(debianarchS).optional() }).passthrough();
const debianreleaseS = z
  .object({ name_regex: z.string(), abi_version_full: z.boolean().optional(), abi_suffix: z.string().optional() })
  .passthrough();
const rootS = z
  .object({
    build: build.optional(),
    featureset: z.array(featuresetS).optional(),
    kernelarch: z.array(kernelarchS).optional(),
    debianrelease: z.array(debianreleaseS).optional(),
  })
  .passthrough();

/** The line of the first `key` or quoted `value` in a TOML text, for error messages (smol-toml keeps no positions). */
export function tomlLineOf(text: string, needle: string): number | undefined {
  const i = text.split('\n').findIndex((l) => l.includes(`'${needle}'`) || l.includes(`"${needle}"`));
  return i < 0 ? undefined : i + 1;
}

function readToml(file: string): { data: Record<string, unknown>; text: string } {
  const text = readFileSync(file, 'utf8');
  try {
    return { data: parse(text) as Record<string, unknown>, text };
  } catch (err) {
    if (err instanceof TomlError) throw inputError(`TOML: ${err.message.split('\n')[0]}`, file, err.line);
    throw err;
  }
}

function check<T>(schema: z.ZodType<T>, data: unknown, file: string, text: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue.path.filter((p) => typeof p === 'string').pop();
  const line = key ? text.split('\n').findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l)) + 1 : 0;
  throw inputError(`defines.toml: ${issue.path.join('.')}: ${issue.message}`, file, line || undefined);
}

type RawNode = z.infer<typeof flavourS>;
const refs = (n: { build?: { config?: string[] } }, file: string): ConfigRef[] =>
  (n.build?.config ?? []).map((path) => ({ path, file }));
const flavourOf = (f: RawNode, file: string): TomlFlavour => ({
  name: f.name,
  enable: f.enable ?? true,
  config: refs(f, file),
});
const featuresetOf = (f: z.infer<typeof featuresetS>, file: string): TomlFeatureset => ({
  ...flavourOf(f, file),
  flavour: (f.flavour ?? []).map((x) => flavourOf(x, file)),
});
const debianarchOf = (d: z.infer<typeof debianarchS>, file: string): TomlDebianarch => ({
  ...flavourOf(d, file),
  featureset: (d.featureset ?? []).map((x) => featuresetOf(x, file)),
  flavour: (d.flavour ?? []).map((x) => flavourOf(x, file)),
});
const kernelarchOf = (k: z.infer<typeof kernelarchS>, file: string): TomlKernelarch => ({
  ...flavourOf(k, file),
  debianarch: (k.debianarch ?? []).map((x) => debianarchOf(x, file)),
});

// dataclasses_extra.merge: bools are replaced by the newer value, lists are concatenated, and lists marked
// 'assoclist' (featureset, kernelarch, debianarch, a debianarch's flavours) are merged item by item by name.
function assoc<T extends TomlNode>(a: T[], b: T[], merge: (x: T, y: T) => T): T[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const rest = new Map(b.map((x) => [x.name, x]));
  const out = a.map((x) => {
    const y = rest.get(x.name);
    rest.delete(x.name);
    return y ? merge(x, y) : x;
  });
  return [...out, ...rest.values()];
}
const mergeNode = <T extends TomlNode>(a: T, b: T): TomlNode => ({
  name: a.name,
  enable: b.enable,
  config: [...a.config, ...b.config],
});
const mergeFeatureset = (a: TomlFeatureset, b: TomlFeatureset): TomlFeatureset => ({
  ...mergeNode(a, b),
  flavour: [...a.flavour, ...b.flavour], // a plain list in ConfigFeatureset, not an assoclist
});
const mergeDebianarch = (a: TomlDebianarch, b: TomlDebianarch): TomlDebianarch => ({
  ...mergeNode(a, b),
  featureset: assoc(a.featureset, b.featureset, mergeFeatureset),
  flavour: assoc(a.flavour, b.flavour, mergeNode),
});
const mergeKernelarch = (a: TomlKernelarch, b: TomlKernelarch): TomlKernelarch => ({
  ...mergeNode(a, b),
  debianarch: assoc(a.debianarch, b.debianarch, mergeDebianarch),
});

/**
 * ConfigBase.read_replace: for each base holding DIR/defines.toml, the entry merged so far is merged with
 * `asdict(root-declared entry) | file`, so a top-level key the file leaves out is merged with the root's copy of
 * it (a root-declared build.config list then doubles, as in Debian).
 */
function readReplace<T extends TomlNode>(
  entry: T,
  bases: string[],
  dir: string,
  read: (raw: Record<string, unknown>, file: string, text: string) => T,
  merge: (a: T, b: T) => T,
): T {
  let out = entry;
  for (const b of bases) {
    const file = join(b, dir, 'defines.toml');
    if (!existsSync(file)) continue;
    const { data, text } = readToml(file);
    const other = read({ name: out.name, ...data }, file, text);
    if (other.name !== out.name) {
      throw inputError(
        `'name = ${other.name}' but this file describes '${out.name}'`,
        file,
        tomlLineOf(text, other.name),
      );
    }
    // Our `config` field is the file's `build` table; every other field has its TOML key's name. What the file
    // leaves out comes from the entry as the root declared it (asdict(self)), not from what earlier bases merged.
    const self = entry as unknown as Record<string, unknown>;
    const merged = Object.fromEntries(
      Object.entries(other).map(([k, v]) => [k, (k === 'config' ? 'build' : k) in data ? v : self[k]]),
    ) as unknown as T;
    out = merge(out, merged);
  }
  return out;
}

/** config_v2's Config.read_orig: the root files of every base merged, then each entry's own directory file. */
export function readTomlHierarchy(bases: string[]): TomlRoot {
  let root: TomlRoot = { config: [], featureset: [], kernelarch: [], debianrelease: [] };
  let found = false;
  for (const b of bases) {
    const file = join(b, 'defines.toml');
    if (!existsSync(file)) continue;
    found = true;
    const { data, text } = readToml(file);
    const r = check(rootS, data, file, text);
    root = {
      config: [...root.config, ...refs(r, file)],
      featureset: assoc(
        root.featureset,
        (r.featureset ?? []).map((x) => featuresetOf(x, file)),
        mergeFeatureset,
      ),
      kernelarch: assoc(
        root.kernelarch,
        (r.kernelarch ?? []).map((x) => kernelarchOf(x, file)),
        mergeKernelarch,
      ),
      debianrelease: [
        ...root.debianrelease,
        ...(r.debianrelease ?? []).map((d) => ({
          nameRegex: d.name_regex,
          abiVersionFull: d.abi_version_full ?? true,
          abiSuffix: d.abi_suffix ?? '',
        })),
      ],
    };
  }
  if (!found) throw inputError(`no defines.toml in ${bases.join(' or ')}`);
  const fs = (raw: Record<string, unknown>, file: string, text: string) =>
    featuresetOf(check(featuresetS, raw, file, text), file);
  const ka = (raw: Record<string, unknown>, file: string, text: string) =>
    kernelarchOf(check(kernelarchS, raw, file, text), file);
  const da = (raw: Record<string, unknown>, file: string, text: string) =>
    debianarchOf(check(debianarchS, raw, file, text), file);
  // config_v2's first __post_init_hierarchy__ pass, on what the root files declared (tomlFlavourPlans runs the second).
  root = withInheritedFlavours(root);
  root.featureset = root.featureset.map((f) => readReplace(f, bases, `featureset-${f.name}`, fs, mergeFeatureset));
  root.kernelarch = root.kernelarch.map((k) => {
    const merged = readReplace(k, bases, `kernelarch-${k.name}`, ka, mergeKernelarch);
    return { ...merged, debianarch: merged.debianarch.map((d) => readReplace(d, bases, d.name, da, mergeDebianarch)) };
  });
  return root;
}

/** ConfigFeatureset.__post_init_hierarchy_featureset__: a featureset with no flavours takes the debianarch's. */
export function withInheritedFlavours(root: TomlRoot): TomlRoot {
  const inherit = (fs: TomlFeatureset, flavours: TomlFlavour[]): TomlFeatureset =>
    fs.flavour.length ? fs : { ...fs, flavour: flavours.map((f) => ({ name: f.name, enable: true, config: [] })) };
  return {
    ...root,
    kernelarch: root.kernelarch.map((k) => ({
      ...k,
      debianarch: k.debianarch.map((d) => ({ ...d, featureset: d.featureset.map((fs) => inherit(fs, d.flavour)) })),
    })),
  };
}
