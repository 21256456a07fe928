// A small .config / config-fragment reader and writer: the line forms Kconfig writes
// (`CONFIG_X=value`, `# CONFIG_X is not set`), comments and blank lines. Unknown lines are an error naming
// the file and line, as Debian's kconfig.py refuses them too.
import { readFileSync } from 'node:fs';
import { inputError } from '../util/errors.js';

/** Ordered symbol → value ('n' for "is not set"); insertion order is the order of first appearance. */
export type ConfigMap = Map<string, string>;

export interface ConfigEntryOrigin {
  file: string;
  line: number;
}

export function parseConfig(text: string, file = '<config>', origins?: Map<string, ConfigEntryOrigin>): ConfigMap {
  const out: ConfigMap = new Map();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line))) out.set(m[1], m[2]);
    else if ((m = /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(line))) out.set(m[1], 'n');
    else if (line === '' || line.startsWith('#')) return;
    else throw inputError(`not a config line: '${line.slice(0, 80)}'`, file, i + 1);
    origins?.set(m[1], { file, line: i + 1 });
  });
  return out;
}

export function readConfigFile(path: string, origins?: Map<string, ConfigEntryOrigin>): ConfigMap {
  return parseConfig(readFileSync(path, 'utf8'), path, origins);
}

export function formatEntry(symbol: string, value: string): string {
  return value === 'n' ? `# CONFIG_${symbol} is not set` : `CONFIG_${symbol}=${value}`;
}

export function formatConfig(config: ConfigMap, header?: string): string {
  const lines = header ? header.split('\n').map((l) => `# ${l}`.trimEnd()) : [];
  for (const [k, v] of config) lines.push(formatEntry(k, v));
  return lines.join('\n') + '\n';
}

export interface ConfigDiff {
  symbol: string;
  before?: string;
  after?: string;
}

/** Symbols whose value differs (absent counts as its own state, 'n' and absent are treated as equal). */
export function diffConfigs(a: ConfigMap, b: ConfigMap): ConfigDiff[] {
  const out: ConfigDiff[] = [];
  const norm = (v: string | undefined) => (v === 'n' ? undefined : v);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (norm(a.get(k)) !== norm(b.get(k))) out.push({ symbol: k, before: a.get(k), after: b.get(k) });
  }
  return out.sort((x, y) => x.symbol.localeCompare(y.symbol));
}
