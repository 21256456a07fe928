// The one .config reader: every command and stage reads .config files and fragments through here, so a binary
// file, an unreadable path or an empty file gets the same printable message wherever it is given. Plain files
// are read as bytes (latin1 by default, as conf does); Debian's .xz and /proc/config.gz are decompressed first.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { KdkError, ExitCode, envError, inputError } from '../util/errors.js';
import type { ConfigText } from './merge.js';

export interface ConfigFile extends ConfigText {
  /** Printable warnings about the file as a whole (empty file), in conf's `file:line:warning:` style. */
  warnings: string[];
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (code ?? String(e));
    throw new KdkError(`cannot read config file: ${why}`, { file: path, exitCode: ExitCode.usage });
  }
}

function decompress(path: string, b: Buffer): Buffer {
  if (b[0] === 0x1f && b[1] === 0x8b) {
    try {
      return gunzipSync(b);
    } catch (e) {
      throw inputError(`gzip could not decompress: ${(e as Error).message}`, path);
    }
  }
  if (b.subarray(0, 6).equals(XZ_MAGIC)) {
    const r = spawnSync('xz', ['-dc', path], { maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw envError(`cannot run xz for ${path}`, 'apt-get install -y xz-utils');
    if (r.status !== 0) throw inputError(`xz could not decompress: ${r.stderr.toString().trim()}`, path);
    return r.stdout;
  }
  return b;
}

/**
 * Read a .config or fragment (plain, .gz or .xz). A file holding a NUL byte is not a config (conf would warn
 * about its bytes line by line and go on as if it were empty): refused, exit 2, the message printable. An empty
 * file is read, with a warning.
 */
export function readConfigFile(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): ConfigFile {
  const b = decompress(path, readBytes(path));
  const nul = b.indexOf(0);
  if (nul >= 0) {
    throw inputError(`binary file, not a .config (NUL byte at offset ${nul})`, path);
  }
  const text = b.toString(encoding);
  const warnings = text.trim() === '' ? [`${path}:1:warning: empty file: no config lines`] : [];
  return { name: path, text, warnings };
}
