// Shared test helpers: where the shared corpora are, and a printed reason whenever a test must skip.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `../shared` beside the project root (where CI puts it). */
export function sharedDir(...parts: string[]): string {
  return join(projectRoot, '..', 'shared', ...parts);
}

export function haveShared(...parts: string[]): boolean {
  return existsSync(sharedDir(...parts));
}

/**
 * node:test's `skip` option takes a string reason; this also prints it, so a skipped test is never silent.
 * Returns false (run the test) when reason is undefined.
 */
export function skipIf(reason: string | undefined): string | false {
  if (!reason) return false;
  process.stderr.write(`SKIP: ${reason}\n`);
  return reason;
}
