// The small test kernel built twice for ABI and out-of-tree module tests: its profile's .config plus
// MODVERSIONS (fixtures/abi/modversions.config), and the same plus DEBUG_CREDENTIALS, which adds fields to struct
// cred. Each is a kdk flavour directory under $KDK_CACHE/kernels, built by `kdk build` (bindeb-pkg, ccache), so
// the headers .debs exist too; a directory whose record matches its .config is not built again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../../src/util/cache.js';
import { smallTestKernel } from '../../src/build/index.js';
import { abiFixtures, kdk } from './abi-helpers.js';

export interface AbiKernel {
  dir: string;
  headersDeb: string;
  /** The build record of the build that made it (cold/warm cost, ccache hits). */
  record: { wallSeconds: number; cpuSeconds: number; ccache?: { hits: number; misses: number } };
  /** True when this call built it (false: the cached build was reused). */
  built: boolean;
}

export const ABI_VARIANTS = {
  base: ['modversions.config'],
  cred: ['modversions.config', 'debug-credentials.config'],
} as const;

export async function abiKernel(name: keyof typeof ABI_VARIANTS): Promise<AbiKernel> {
  const base = await smallTestKernel();
  const config =
    readFileSync(base.config, 'utf8') +
    ABI_VARIANTS[name].map((f) => readFileSync(join(abiFixtures, f), 'utf8')).join('');
  const dir = join(cacheDir('kernels'), `abi-test-${name}`);
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, '.config');
  if (!existsSync(cfg) || readFileSync(cfg, 'utf8') !== config) writeFileSync(cfg, config);
  const recFile = join(dir, 'build-record.json');
  const headers = () => readdirSync(dir).find((f) => /^linux-headers-.*\.deb$/.test(f));
  const fresh = () =>
    existsSync(recFile) &&
    (JSON.parse(readFileSync(recFile, 'utf8')) as { configHash: string }).configHash === hashOf(config).slice(0, 16);
  let built = false;
  if (!fresh() || !headers()) {
    const r = spawnSync(process.execPath, [kdk, 'build', '--flavour-dir', dir, '--jobs', '2', '--json', '--quiet'], {
      encoding: 'utf8',
      timeout: 3_600_000,
    });
    assert.equal(r.status, 0, r.stderr);
    built = true;
  }
  const h = headers();
  assert.ok(h, `kdk build made no linux-headers .deb in ${dir}`);
  return { dir, headersDeb: join(dir, h), record: JSON.parse(readFileSync(recFile, 'utf8')), built };
}
