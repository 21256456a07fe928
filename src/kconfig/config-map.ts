// A .config as an ordered symbol → value map, for stages that compose and compare configs (flavour, build,
// syzbot) rather than evaluate them. The lines are split by the same C-faithful grammar conf uses
// (dotconfig.ts parseConfigLines); only the policy for a line conf does not expect is the caller's choice.
import { inputError } from '../util/errors.js';
import { parseConfigLines } from './dotconfig.js';
import { readConfigFile } from './files.js';

/** Ordered symbol → value ('n' for "is not set"); insertion order is the order of first appearance. */
export type ConfigMap = Map<string, string>;

export interface ConfigEntryOrigin {
  file: string;
  line: number;
}

export interface ConfigMapOptions {
  origins?: Map<string, ConfigEntryOrigin>;
  /**
   * Refuse a line conf would only warn about (Debian's kconfig.py raises on them, so the flavour stage does
   * too for distro config files); otherwise conf's warning goes to `warnings`.
   */
  strict?: boolean;
  warnings?: string[];
}

export function parseConfigMap(text: string, file = '<config>', opts: ConfigMapOptions = {}): ConfigMap {
  const out: ConfigMap = new Map();
  const lines = opts.strict ? text.split('\n') : [];
  const warn = (m: string): void => {
    if (!opts.strict) return void opts.warnings?.push(m);
    const n = Number(/:(\d+):warning:/.exec(m)?.[1] ?? 0);
    throw inputError(`not a config line: '${(lines[n - 1] ?? '').trim().slice(0, 80)}'`, file, n);
  };
  for (const a of parseConfigLines(text, file, warn)) {
    out.set(a.name, a.value);
    opts.origins?.set(a.name, { file, line: a.line });
  }
  return out;
}

/** Read a config file (plain, .gz or .xz; see files.ts) as a map. */
export function readConfigMap(path: string, opts: ConfigMapOptions = {}): ConfigMap {
  const f = readConfigFile(path, 'utf8');
  opts.warnings?.push(...f.warnings);
  return parseConfigMap(f.text, path, opts);
}

export function formatEntry(symbol: string, value: string): string {
  return value === 'n' ? `# CONFIG_${symbol} is not set` : `CONFIG_${symbol}=${value}`;
}

export function formatConfigMap(config: ConfigMap, header?: string): string {
  const lines = header ? header.split('\n').map((l) => `# ${l}`.trimEnd()) : [];
  for (const [k, v] of config) lines.push(formatEntry(k, v));
  return lines.join('\n') + '\n';
}

export interface ConfigMapDiff {
  symbol: string;
  before?: string;
  after?: string;
}

/** Symbols whose value differs (absent counts as its own state, 'n' and absent are treated as equal). */
export function diffConfigMaps(a: ConfigMap, b: ConfigMap): ConfigMapDiff[] {
  const out: ConfigMapDiff[] = [];
  const norm = (v: string | undefined) => (v === 'n' ? undefined : v);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (norm(a.get(k)) !== norm(b.get(k))) out.push({ symbol: k, before: a.get(k), after: b.get(k) });
  }
  return out.sort((x, y) => x.symbol.localeCompare(y.symbol));
}
