// `config diff`: the symbol-level difference of two .config files (values, not lines).
import { parseConfigLines } from './dotconfig.js';
import { unescapeString } from './dotconfig.js';

export interface ConfigDiffEntry {
  symbol: string;
  a: string | null;
  b: string | null;
}

export function configValues(text: string, file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of parseConfigLines(text, file, () => {})) {
    const u = a.value.startsWith('"') ? unescapeString(a.value) : a.value;
    m.set(a.name, typeof u === 'string' ? u : a.value);
  }
  return m;
}

/** Symbols whose value differs; a missing symbol is null ("is not set" counts as n). */
export function diffConfigs(aText: string, bText: string, aName = 'A', bName = 'B'): ConfigDiffEntry[] {
  const a = configValues(aText, aName);
  const b = configValues(bText, bName);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: ConfigDiffEntry[] = [];
  for (const n of names) {
    const va = a.get(n) ?? null;
    const vb = b.get(n) ?? null;
    if (va !== vb) out.push({ symbol: n, a: va, b: vb });
  }
  return out;
}

export function formatDiff(d: ConfigDiffEntry[]): string {
  return d
    .map((e) =>
      e.a === null ? `+${e.symbol} ${e.b}` : e.b === null ? `-${e.symbol} ${e.a}` : ` ${e.symbol} ${e.a} -> ${e.b}`,
    )
    .join('\n');
}
