// Debian's `defines` files: Python RawConfigParser syntax (`[section]`, `key: value` or `key = value`,
// indented continuation lines, `#`/`;` comments). Each value keeps the file and line it came from, so a
// missing file named in a `configs:` list is reported where it is written.
import { existsSync, readFileSync } from 'node:fs';
import { inputError } from '../util/errors.js';

export interface DefinesValue {
  /** Whitespace-separated items (Debian's SchemaItemList), the raw text joined by spaces. */
  items: string[];
  raw: string;
  file: string;
  line: number;
}

/** section name → key → value */
export type Defines = Map<string, Map<string, DefinesValue>>;

export function parseDefines(text: string, file: string): Defines {
  const out: Defines = new Map();
  let section: Map<string, DefinesValue> | undefined;
  let last: DefinesValue | undefined;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*([#;].*)?$/.test(raw)) return;
    if (/^\s/.test(raw)) {
      if (!last) throw inputError(`continuation line without a key`, file, i + 1);
      last.raw += `\n${raw.trim()}`;
      last.items = last.raw.split(/\s+/).filter(Boolean);
      return;
    }
    const sec = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      section = out.get(sec[1]) ?? new Map();
      out.set(sec[1], section);
      last = undefined;
      return;
    }
    const kv = /^([^:=\s][^:=]*?)\s*[:=]\s*(.*)$/.exec(raw);
    if (!kv) throw inputError(`not a 'key: value' line: '${raw.slice(0, 80)}'`, file, i + 1);
    if (!section) throw inputError(`'${kv[1]}' comes before any [section]`, file, i + 1);
    last = { raw: kv[2].trim(), items: kv[2].trim().split(/\s+/).filter(Boolean), file, line: i + 1 };
    section.set(kv[1].toLowerCase(), last);
  });
  return out;
}

export function readDefines(path: string): Defines {
  return existsSync(path) ? parseDefines(readFileSync(path, 'utf8'), path) : new Map();
}

export function definesGet(d: Defines, section: string, key: string): DefinesValue | undefined {
  return d.get(section)?.get(key);
}
