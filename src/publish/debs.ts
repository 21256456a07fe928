// The .debs to publish: every *.deb in a directory (a flavour directory from `kdk build` keeps its bindeb-pkg
// .debs beside its build/ tree), each read with dpkg-deb for the fields the archive is indexed by.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { inputError } from '../util/errors.js';

export interface DebFile {
  path: string;
  package: string;
  version: string;
  architecture: string;
  source: string;
  size: number;
}

/** Package/Version/Architecture/Source of one .deb, from its control file. */
export function readDeb(path: string): DebFile {
  const r = spawnSync(
    'dpkg-deb',
    ['--show', '--showformat=${Package}\\t${Version}\\t${Architecture}\\t${Source}', path],
    {
      encoding: 'utf8',
    },
  );
  const [pkg, version, architecture, source] = (r.stdout ?? '').split('\t');
  if (r.status !== 0 || !pkg || !version || !architecture) {
    throw inputError(`not a readable .deb: ${(r.stderr ?? '').trim() || 'dpkg-deb failed'}`, path);
  }
  return {
    path,
    package: pkg,
    version,
    architecture,
    source: (source || pkg).replace(/\s*\(.*\)$/, ''),
    size: statSync(path).size,
  };
}

/** The .debs in `dir` (not recursive: a flavour's build/ tree holds no .debs of its own). */
export function collectDebs(dir: string): DebFile[] {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw inputError(`--debs: not a directory`, dir);
  const debs = readdirSync(abs)
    .filter((f) => f.endsWith('.deb'))
    .sort()
    .map((f) => readDeb(join(abs, f)));
  if (debs.length === 0) throw inputError('--debs: no .deb files in this directory (run kdk build first)', dir);
  return debs;
}
