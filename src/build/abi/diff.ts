// Two ABIs compared with Debian's rules (debian/bin/buildcheck.py's CheckAbi in bookworm's packaging): a symbol
// is changed when its CRC, export type or namespace differs; a move between modules is no change (depmod
// resolves symbols to modules at install time); a removed or changed symbol breaks the ABI unless an
// ignore-changes pattern covers it; added symbols never do; a new ABI with unversioned symbols (CRC 0, no
// MODVERSIONS) is refused outright, whatever the reference says.
import { type AbiSymbol, UNVERSIONED_CRC } from './symvers.js';
import type { IgnorePattern } from './ignore.js';

export type AbiField = 'crc' | 'exportType' | 'namespace' | 'module';

export interface AbiChange {
  name: string;
  /** The module the ignore patterns are matched against (the new one, or the old one for a removed symbol). */
  module: string;
  old?: AbiSymbol;
  new?: AbiSymbol;
  /** Fields that differ between old and new. */
  fields: AbiField[];
  /** The ignore pattern that covers it, when one does. */
  ignoredBy?: string;
  /** Why a CRC changed: the types libabigail names (builds with debug info), or why that is unknown. */
  reason?: string;
  /** The changed types libabigail says reach this symbol (its own changed declaration counts as one). */
  changedTypes?: ChangedType[];
}

/** A type libabigail names as changed: `struct cred`, `size 1344 -> 1536 bits, 3 data members inserted`. */
export interface ChangedType {
  type: string;
  summary: string;
}

/** buildcheck.py's outcomes, in its order of precedence. */
export type AbiVerdict = 'changed' | 'changed-all-ignored' | 'added' | 'added-all-ignored' | 'unchanged';

export interface AbiDiff {
  verdict: AbiVerdict;
  /** True when the check fails: an effective change or removal, or unversioned symbols in the new ABI. */
  broken: boolean;
  unversioned: AbiSymbol[];
  added: AbiChange[];
  changed: AbiChange[];
  removed: AbiChange[];
  /** Symbols that only moved between modules: reported, never a change. */
  moved: AbiChange[];
  ignorePatterns: string[];
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function differing(a: AbiSymbol, b: AbiSymbol): AbiField[] {
  return (['crc', 'exportType', 'namespace', 'module'] as const).filter((f) => a[f] !== b[f]);
}

function coveredBy(c: AbiChange, patterns: IgnorePattern[]): string | undefined {
  return patterns.find((p) => p.re.test(p.field === 'name' ? c.name : c.module))?.text;
}

export function diffAbi(oldAbi: AbiSymbol[], newAbi: AbiSymbol[], patterns: IgnorePattern[] = []): AbiDiff {
  const ref = new Map(oldAbi.map((s) => [s.name, s]));
  const cur = new Map(newAbi.map((s) => [s.name, s]));
  const added: AbiChange[] = [];
  const changed: AbiChange[] = [];
  const removed: AbiChange[] = [];
  const moved: AbiChange[] = [];
  for (const s of newAbi) {
    const o = ref.get(s.name);
    if (!o) {
      added.push({ name: s.name, module: s.module, new: s, fields: [] });
      continue;
    }
    const fields = differing(o, s);
    const entry = { name: s.name, module: s.module, old: o, new: s, fields };
    if (fields.some((f) => f !== 'module')) changed.push(entry);
    else if (fields.length) moved.push(entry);
  }
  for (const o of oldAbi) if (!cur.has(o.name)) removed.push({ name: o.name, module: o.module, old: o, fields: [] });
  for (const c of [...added, ...changed, ...removed]) c.ignoredBy = coveredBy(c, patterns);
  const effective = (l: AbiChange[]) => l.some((c) => !c.ignoredBy);
  const unversioned = newAbi.filter((s) => s.crc === UNVERSIONED_CRC).sort(byName);
  let verdict: AbiVerdict = 'unchanged';
  if (effective(changed) || effective(removed)) verdict = 'changed';
  else if (changed.length || removed.length) verdict = 'changed-all-ignored';
  else if (effective(added)) verdict = 'added';
  else if (added.length) verdict = 'added-all-ignored';
  return {
    verdict,
    broken: verdict === 'changed' || unversioned.length > 0,
    unversioned,
    added: added.sort(byName),
    changed: changed.sort(byName),
    removed: removed.sort(byName),
    moved: moved.sort(byName),
    ignorePatterns: patterns.map((p) => p.text),
  };
}
