// Fedora/RHEL kernel-ark's config hierarchy (redhat/configs): one file per option (`CONFIG_X` holding
// `CONFIG_X=y` or `# CONFIG_X is not set`) in layer directories, and `priority.<flavor>` files that say, per
// arch variant, which layers apply in which order. Read as build_configs.sh documents it: for each directory in
// ORDER (e.g. `common fedora`), apply each colon-separated layer (`generic-x86` = <dir>/generic/x86); layers of
// the first ORDER directory must all exist, later ones are optional overrides. Later layers win.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../util/errors.js';
import { type ConfigMap, type ConfigEntryOrigin, parseConfigMap } from '../kconfig/index.js';

export interface KernelArkPriority {
  order: string[];
  /** arch variant (e.g. x86_64, x86_64-debug) → layer names, with the priority file line. */
  variants: Map<string, { layers: string[]; line: number }>;
  file: string;
}

export function readPriority(configsDir: string, flavor: string): KernelArkPriority {
  const file = join(configsDir, `priority.${flavor}`);
  if (!existsSync(file)) throw inputError(`kernel-ark flavor '${flavor}' has no priority file ${file}`);
  const out: KernelArkPriority = { order: [], variants: new Map(), file };
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('EMPTY')) return;
      const eq = line.indexOf('=');
      if (eq <= 0) throw inputError(`expected 'ORDER=...' or 'arch=layer:layer...'`, file, i + 1);
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      if (key === 'ORDER') out.order = value.split(/\s+/).filter(Boolean);
      else out.variants.set(key, { layers: value.split(':').filter(Boolean), line: i + 1 });
    });
  if (out.order.length === 0) throw inputError(`no ORDER= line`, file);
  return out;
}

/** Layer name → directory: `generic-x86-x86_64` is <order>/generic/x86/x86_64 (matched against real dirs). */
function layerDirs(root: string, rel = '', out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    out.set(r.replace(/\//g, '-'), join(root, r));
    layerDirs(root, r, out);
  }
  return out;
}

function readLayer(dir: string, config: ConfigMap, origins: Map<string, ConfigEntryOrigin>): void {
  for (const name of readdirSync(dir).sort()) {
    if (!name.startsWith('CONFIG_') || name.endsWith('~')) continue;
    const p = join(dir, name);
    if (!statSync(p).isFile()) continue;
    const one = parseConfigMap(readFileSync(p, 'utf8'), p, { origins, strict: true });
    for (const [k, v] of one) config.set(k, v);
  }
}

export interface KernelArkComposed {
  config: ConfigMap;
  origins: Map<string, ConfigEntryOrigin>;
  layers: string[];
}

export function composeKernelArk(configsDir: string, flavor: string, variant: string): KernelArkComposed {
  const prio = readPriority(configsDir, flavor);
  const v = prio.variants.get(variant);
  if (!v) {
    throw inputError(`no variant '${variant}' in ${prio.file} (has: ${[...prio.variants.keys()].join(', ')})`);
  }
  const config: ConfigMap = new Map();
  const origins = new Map<string, ConfigEntryOrigin>();
  const applied: string[] = [];
  prio.order.forEach((o, idx) => {
    const root = join(configsDir, o);
    if (!existsSync(root)) throw inputError(`ORDER names '${o}' but ${root} is missing`, prio.file);
    const dirs = layerDirs(root);
    for (const layer of v.layers) {
      const dir = dirs.get(layer);
      if (!dir) {
        if (idx === 0) throw inputError(`layer '${layer}' has no directory under ${root}`, prio.file, v.line);
        continue;
      }
      readLayer(dir, config, origins);
      applied.push(`${o}/${layer}`);
    }
  });
  return { config: new Map([...config].sort(([a], [b]) => a.localeCompare(b))), origins, layers: applied };
}
