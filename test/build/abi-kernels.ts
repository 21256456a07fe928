// The two kernels the ABI and out-of-tree module tests compare: the small test kernel itself (MODVERSIONS, its
// linux-headers .deb and Module.symvers in its cache entry: what every VM test boots, so no extra build), and the
// same plus DEBUG_CREDENTIALS (fixtures/abi/debug-credentials.config), which adds fields to struct cred. Both come
// from smallTestKernel (kernel-cache.ts: ccache, bindeb-pkg), cached by their final .config.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { smallTestKernel, type BuiltKernel } from '../../src/build/index.js';
import { abiFixtures } from './abi-helpers.js';

export interface AbiKernel extends BuiltKernel {
  headersDeb: string;
  symvers: string;
}

/** The .config lines of a fixture fragment (comments and blank lines dropped). */
const fragment = (f: string) =>
  readFileSync(join(abiFixtures, f), 'utf8')
    .split('\n')
    .filter((l) => /^CONFIG_/.test(l));

export const ABI_VARIANTS = {
  base: [] as string[],
  cred: ['debug-credentials.config'],
} as const;

export async function abiKernel(name: keyof typeof ABI_VARIANTS): Promise<AbiKernel> {
  const k = await smallTestKernel((l) => process.stderr.write(l + '\n'), {
    extra: ABI_VARIANTS[name].flatMap(fragment),
  });
  assert.ok(k.headersDeb, `${k.dir}: no linux-headers .deb in the test kernel's entry`);
  assert.ok(k.symvers, `${k.dir}: no Module.symvers in the test kernel's entry`);
  return { ...k, headersDeb: k.headersDeb, symvers: k.symvers };
}
