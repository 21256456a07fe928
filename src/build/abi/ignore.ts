// The ABI changes a distribution has decided not to care about: Debian's `ignore-changes` lists (the [abi]
// section of debian/config/defines and its arch/featureset defines; `abi.ignore-changes` in a defines.toml),
// whitespace-separated patterns, each `NAME-GLOB` or `name:GLOB` / `module:GLOB`, where `*` matches within one
// path component and `**` across them, and the whole name must match (the rules of buildcheck.py's CheckAbi).
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { inputError } from '../../util/errors.js';
import { parseDefines, definesGet } from '../../flavour/index.js';

export interface IgnorePattern {
  /** The pattern as written. */
  text: string;
  field: 'name' | 'module';
  re: RegExp;
  file?: string;
  line?: number;
}

function globToRegExp(glob: string): RegExp {
  const parts = glob.split(/(\*\*?)/).map((p) => {
    if (p === '*') return '[^/]*';
    if (p === '**') return '.*';
    return p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`, 's');
}

/** One pattern; an unknown `type:` (buildcheck.py raises NotImplementedError) is an input error here. */
export function ignorePattern(text: string, file?: string, line?: number): IgnorePattern {
  const colon = text.split(':');
  if (colon.length > 2) throw inputError(`ignore pattern '${text}': more than one ':'`, file, line);
  const [field, glob] = colon.length === 2 ? colon : ['name', colon[0]];
  if (field !== 'name' && field !== 'module')
    throw inputError(`ignore pattern '${text}': unknown type '${field}' (name: or module:)`, file, line);
  return { text, field, re: globToRegExp(glob), file, line };
}

/**
 * The patterns in FILE: a Debian `defines` ([abi] ignore-changes), a `defines.toml` ([abi] ignore-changes = [...]),
 * or a plain list (whitespace-separated, `#` comments).
 */
export function readIgnoreFile(file: string): IgnorePattern[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.toml')) {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(text) as Record<string, unknown>;
    } catch (e) {
      throw inputError(`not TOML: ${(e as Error).message.split('\n')[0]}`, file);
    }
    const list = (doc.abi as Record<string, unknown> | undefined)?.['ignore-changes'] ?? [];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
      throw inputError('abi.ignore-changes: expected a list of strings', file);
    return list.map((p) => ignorePattern(p, file));
  }
  if (/^\s*\[[^\]]+\]\s*$/m.test(text)) {
    const v = definesGet(parseDefines(text, file), 'abi', 'ignore-changes');
    return (v?.items ?? []).map((p) => ignorePattern(p, file, v?.line));
  }
  const out: IgnorePattern[] = [];
  text.split('\n').forEach((l, i) => {
    for (const p of l.replace(/#.*/, '').split(/\s+/).filter(Boolean)) out.push(ignorePattern(p, file, i + 1));
  });
  return out;
}
