// Debian's own reader of defines.toml as a test oracle: debian/lib/python/debian_linux/config_v2.py from trixie's
// packaging, run with the machine's python3 (3.11: tomllib, typing.Self) and python3-dacite. dacite comes from
// the machine's own release (bookworm) as a downloaded, extracted .deb under the cache, not installed: `apt-get
// download` needs no dpkg lock, so the oracle works while other work holds it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from '../../src/util/cache.js';
import { populateDirAtomic } from '../../src/util/atomic.js';
import { aptDownload } from '../../src/distro/index.js';
import { ensurePackages } from '../../src/util/deps.js';

export interface OracleFlavour {
  arch: string;
  featureset: string;
  flavour: string;
  enable: boolean;
  /** config_v2's ConfigMergedFlavour.config: every candidate file, before gencontrol.py keeps the existing ones. */
  config: string[];
}

function daciteDir(): string {
  ensurePackages(['python3']);
  const out = join(cacheDir('debian'), 'python3-dacite');
  const lib = join(out, 'usr', 'lib', 'python3', 'dist-packages');
  if (existsSync(join(lib, 'dacite'))) return lib;
  const show = () => spawnSync('apt-cache', ['show', 'python3-dacite'], { encoding: 'utf8' }).stdout ?? '';
  let text = show();
  // A machine whose apt lists were never fetched knows no packages yet.
  if (!text.trim()) text = (spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' }), show());
  const version = /^Version: (\S+)$/m.exec(text)?.[1];
  if (!version) throw new Error('apt knows no python3-dacite (run apt-get update)');
  const { deb, error } = aptDownload('python3-dacite', version, join(cacheDir('debian'), 'debs'));
  if (!deb) throw new Error(`apt-get download python3-dacite: ${error}`);
  populateDirAtomic(out, (tmp) => {
    const r = spawnSync('dpkg-deb', ['-x', deb, tmp], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dpkg-deb -x ${deb}: ${r.stderr}`);
  });
  return lib;
}

/** Run `python3 -m debian_linux.config_v2 BASES...` from `packagingDir`'s debian/lib/python and parse its tree. */
export function configV2(packagingDir: string, bases: string[]): OracleFlavour[] {
  const lib = join(packagingDir, 'debian', 'lib', 'python');
  if (!readdirSync(join(lib, 'debian_linux')).includes('config_v2.py')) throw new Error(`no config_v2.py in ${lib}`);
  const r = spawnSync('python3', ['-m', 'debian_linux.config_v2', ...bases.filter(existsSync)], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: `${lib}:${daciteDir()}` },
  });
  if (r.status !== 0) throw new Error(`config_v2.py failed: ${r.stderr.trim().split('\n').slice(-3).join('\n')}`);
  const out: OracleFlavour[] = [];
  let arch = '';
  let featureset = '';
  for (const line of r.stdout.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^\s*Debianarch: (\S+)/.exec(line))) arch = m[1];
    else if ((m = /^\s*Featureset: (\S+)/.exec(line))) featureset = m[1];
    else if ((m = /^\s*Flavour: (\S+) enable=(\w+)/.exec(line)))
      out.push({ arch, featureset, flavour: m[1], enable: m[2] === 'True', config: [] });
    else if ((m = /^\s*Config: ?(.*)$/.exec(line))) out[out.length - 1].config = m[1].split(' ').filter(Boolean);
  }
  return out;
}
