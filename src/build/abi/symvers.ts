// A kernel's exported-symbol ABI as Module.symvers records it (modpost writes one line per export: CRC, symbol,
// module, export type, namespace, tab-separated). Debian's debian/abi/ reference files use the same five columns
// in the same order, sorted by symbol, so one parser reads both and one writer produces Debian's format.
import { inputError } from '../../util/errors.js';

export interface AbiSymbol {
  name: string;
  /** genksyms CRC as modpost prints it (0x00000000 when the kernel has no MODVERSIONS). */
  crc: string;
  /** `vmlinux` or the module's path without .ko (e.g. lib/crc7). */
  module: string;
  /** EXPORT_SYMBOL, EXPORT_SYMBOL_GPL... */
  exportType: string;
  /** Symbol namespace (EXPORT_SYMBOL_NS); empty for none. */
  namespace: string;
}

export const UNVERSIONED_CRC = '0x00000000';

const CRC = /^0x[0-9a-f]{8}$/;
// Symbol and module names as modpost writes them; anything else (spaces, control bytes) is not a Module.symvers.
const NAME = /^[A-Za-z0-9_.$]+$/;
const MODULE = /^[A-Za-z0-9_.\-/+]+$/;
const EXPORT = /^EXPORT_[A-Z_]+$/;
const NAMESPACE = /^[A-Za-z0-9_]*$/;

/** Parse Module.symvers / a Debian abi file. Hostile input: every field is checked, errors name file and line. */
export function parseSymvers(text: string, file: string): AbiSymbol[] {
  const seen = new Map<string, number>();
  const out: AbiSymbol[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    const f = line.split('\t');
    if (f.length !== 5) throw inputError(`expected 5 tab-separated fields, found ${f.length}`, file, i + 1);
    const [crc, name, module, exportType, namespace] = f;
    if (!CRC.test(crc)) throw inputError(`not a CRC: '${crc.slice(0, 40)}'`, file, i + 1);
    if (!NAME.test(name)) throw inputError(`not a symbol name: '${name.slice(0, 60)}'`, file, i + 1);
    if (!MODULE.test(module)) throw inputError(`not a module name: '${module.slice(0, 60)}'`, file, i + 1);
    if (!EXPORT.test(exportType)) throw inputError(`not an export type: '${exportType.slice(0, 40)}'`, file, i + 1);
    if (!NAMESPACE.test(namespace)) throw inputError(`not a namespace: '${namespace.slice(0, 40)}'`, file, i + 1);
    const prev = seen.get(name);
    if (prev !== undefined) throw inputError(`symbol ${name} is listed twice (first on line ${prev})`, file, i + 1);
    seen.set(name, i + 1);
    out.push({ name, crc, module, exportType, namespace });
  });
  return out;
}

/** Debian's debian/abi/ format: the five columns, sorted by symbol name (byte order, as Python sorts str). */
export function formatAbi(symbols: AbiSymbol[]): string {
  return [...symbols]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => `${s.crc}\t${s.name}\t${s.module}\t${s.exportType}\t${s.namespace}\n`)
    .join('');
}
