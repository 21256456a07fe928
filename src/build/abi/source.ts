// Where an ABI comes from: a build directory (Module.symvers at its top, or in build/ of a kdk flavour
// directory), a linux-headers .deb, a Debian abi file / Module.symvers, or a JSON dump from `kdk abi dump --json`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inputError } from '../../util/errors.js';
import { type AbiSymbol, parseSymvers } from './symvers.js';
import { unpackHeadersDeb } from './headers-deb.js';

export interface AbiDump {
  /** What was read (the Module.symvers path, or deb!path inside it). */
  source: string;
  symbols: AbiSymbol[];
}

function fromJson(text: string, file: string): AbiSymbol[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw inputError(`not JSON: ${(e as Error).message}`, file);
  }
  const symbols = (doc as { symbols?: unknown }).symbols;
  if (!Array.isArray(symbols)) throw inputError('a kdk abi dump has a "symbols" list', file);
  // Re-validate through the text parser: a JSON dump is as hostile as any other input.
  const s = (v: unknown) => (typeof v === 'string' ? v : '\u0000');
  const lines = symbols.map((x: Record<string, unknown>) =>
    [s(x.crc), s(x.name), s(x.module), s(x.exportType), s(x.namespace)].join('\t'),
  );
  return parseSymvers(lines.join('\n'), file);
}

/** The ABI at `path`. */
export function loadAbi(path: string): AbiDump {
  const p = resolve(path);
  if (!existsSync(p)) throw inputError(`no such file or directory: ${path}`);
  if (statSync(p).isDirectory()) {
    const f = [join(p, 'Module.symvers'), join(p, 'build', 'Module.symvers')].find((x) => existsSync(x));
    if (!f) throw inputError(`no Module.symvers in ${path} or its build/ (build the kernel and modules first)`);
    return { source: f, symbols: parseSymvers(readFileSync(f, 'utf8'), f) };
  }
  if (p.endsWith('.deb')) {
    const h = unpackHeadersDeb(p);
    try {
      const f = join(h.dir, 'Module.symvers');
      if (!existsSync(f)) throw inputError(`the headers package has no Module.symvers`, p);
      const where = `${p}!usr/src/linux-headers-${h.release}/Module.symvers`;
      return { source: where, symbols: parseSymvers(readFileSync(f, 'utf8'), where) };
    } finally {
      h.cleanup();
    }
  }
  const text = readFileSync(p, 'utf8');
  return { source: p, symbols: /^\s*\{/.test(text) ? fromJson(text, p) : parseSymvers(text, p) };
}
