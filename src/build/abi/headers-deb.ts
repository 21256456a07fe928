// A linux-headers .deb (what `make bindeb-pkg` or Debian ships) unpacked the way a user's DKMS sees it:
// `dpkg-deb -x` into a scratch root, where usr/src/linux-headers-<release>/ is the tree `make M=` builds against
// and carries the kernel's Module.symvers and .config.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inputError, envError } from '../../util/errors.js';
import { scratchDir } from '../../util/scratch.js';
import { which } from '../../util/proc.js';

export interface UnpackedHeaders {
  /** usr/src/linux-headers-<release> inside the scratch root. */
  dir: string;
  release: string;
  cleanup: () => void;
}

/** Unpack `deb`; the caller calls `cleanup()` when done (kdk's exit removes it otherwise). */
export function unpackHeadersDeb(deb: string): UnpackedHeaders {
  if (!existsSync(deb) || !statSync(deb).isFile()) throw inputError(`no such file: ${deb}`);
  if (!which('dpkg-deb')) throw envError('dpkg-deb is missing', 'apt-get install -y dpkg');
  const s = scratchDir('headers');
  const r = spawnSync('dpkg-deb', ['-x', deb, s.dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    s.release();
    throw inputError(`not a Debian package: ${(r.stderr || '').trim().split('\n')[0]}`, deb);
  }
  const src = join(s.dir, 'usr', 'src');
  const found = existsSync(src) ? readdirSync(src).filter((d) => d.startsWith('linux-headers-')) : [];
  if (found.length !== 1) {
    s.release();
    throw inputError(`not a linux-headers package: expected one usr/src/linux-headers-*, found ${found.length}`, deb);
  }
  return { dir: join(src, found[0]), release: found[0].slice('linux-headers-'.length), cleanup: s.release };
}
