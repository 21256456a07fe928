// `kdk abi dump` and `kdk abi diff` as the stage runs them: inputs read, ignore lists merged, CRC changes
// explained where the inputs are build directories.
import { dirname } from 'node:path';
import { type AbiDiff, diffAbi } from './diff.js';
import { type AbiExplanation, explainChanges } from './explain.js';
import { readIgnoreFile } from './ignore.js';
import { type AbiDump, loadAbi } from './source.js';

export interface AbiComparison extends AbiDiff {
  old: string;
  new: string;
  /** How the changed CRCs were explained (libabigail, or why not). */
  explanation: AbiExplanation;
}

/** The build directory a dump was read from (where its vmlinux is), when it was read from one. */
function buildDirOf(d: AbiDump): string | undefined {
  return d.source.endsWith('/Module.symvers') && !d.source.includes('!') ? dirname(d.source) : undefined;
}

export async function compareAbis(
  oldPath: string,
  newPath: string,
  ignoreFiles: string[] = [],
  opts: { log?: (l: string) => void; timeoutMs?: number } = {},
): Promise<AbiComparison> {
  const a = loadAbi(oldPath);
  const b = loadAbi(newPath);
  const diff = diffAbi(a.symbols, b.symbols, ignoreFiles.flatMap(readIgnoreFile));
  const explanation = await explainChanges(diff, buildDirOf(a), buildDirOf(b), opts);
  return { old: a.source, new: b.source, ...diff, explanation };
}
