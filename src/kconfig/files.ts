// Reading .config files and fragments: bytes kept (latin1), unreadable files and lines that are not
// config lines reported as KdkErrors naming the file and line.
import { readFileSync } from 'node:fs';
import { KdkError, ExitCode } from '../util/errors.js';
import type { ConfigText } from './merge.js';

/** Read a .config or fragment file as latin1 (bytes preserved), with a KdkError naming it when unreadable. */
export function readConfigFile(path: string): ConfigText {
  try {
    return { name: path, text: readFileSync(path, 'latin1') };
  } catch (e) {
    throw new KdkError(`cannot read config file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
      exitCode: ExitCode.usage,
    });
  }
}

/** Reject lines that are neither a config line, a comment nor blank (conf only warns; we refuse). */
export function checkConfigSyntax(c: ConfigText): void {
  const lines = c.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l === '' || l.startsWith('#')) continue;
    if (!/^CONFIG_[A-Za-z0-9_]+=/.test(l))
      throw new KdkError(`not a config line: ${JSON.stringify(l.slice(0, 80))} (expected CONFIG_NAME=value)`, {
        file: c.name,
        line: i + 1,
      });
  }
}
