// Out-of-tree modules the way a user's DKMS builds them: test/build/fixtures/oot/hello (kdk_hello exports a
// symbol, kdk_hello_user calls it) built by `kdk oot build` against the linux-headers .deb of the small test kernel
// (abi-kernels.ts), loaded by `kdk run --module` in QEMU on that kernel; the same module built against the
// headers of its DEBUG_CREDENTIALS variant (same release, other CRCs) is refused by the kernel, in its own words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abiKernel } from './abi-kernels.js';
import { abiFixtures, kdk } from './abi-helpers.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { BUILD_PACKAGES } from '../../src/build/index.js';

const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });
const hello = join(abiFixtures, '..', 'oot', 'hello');

test(
  'an out-of-tree module pair builds against the headers .deb and loads in QEMU; one from other headers is refused',
  { skip: packagesSkipReason([...BUILD_PACKAGES, 'qemu-system-x86']) },
  async (t) => {
    const base = await abiKernel('base');
    const cred = await abiKernel('cred');
    const tmp = mkdtempSync(join(tmpdir(), 'kdk-oot-'));
    try {
      const build = (k: typeof base, out: string) => {
        const r = run([
          'oot',
          'build',
          '--headers',
          k.headersDeb,
          '--module',
          hello,
          '--out',
          join(tmp, out),
          '--json',
        ]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout) as { release: string; modules: string[]; wallSeconds: number };
        t.diagnostic(`oot build against ${k.dir}: ${doc.wallSeconds.toFixed(1)} s`);
        return doc;
      };
      const ours = build(base, 'ours');
      const other = build(cred, 'other');
      assert.deepEqual(
        ours.modules.map((m) => m.split('/').pop()),
        ['kdk_hello.ko', 'kdk_hello_user.ko'],
      );
      assert.equal(ours.release, other.release, 'same release: only the symbol CRCs tell the kernels apart');
      const [helloKo, userKo] = ours.modules;
      const r = run([
        'run',
        '--kernel',
        base.bzImage,
        '--module',
        helloKo,
        '--module',
        userKo,
        '--module',
        other.modules[0],
        '--timeout',
        '240',
        '--json',
      ]);
      assert.equal(r.status, 1, `a refused module is a found failure: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as {
        runs: {
          verdict: string;
          consoleLog: string;
          modules: { loaded: boolean; messages: string[]; refusal?: string }[];
        }[];
      };
      const [one] = doc.runs;
      assert.equal(one.verdict, 'no-crash');
      const [m1, m2, m3] = one.modules;
      assert.ok(m1.loaded && m2.loaded, readFileSync(one.consoleLog, 'utf8').slice(-3000));
      assert.ok(m1.messages.some((l) => /kdk_hello: loaded$/.test(l)));
      assert.ok(
        m2.messages.some((l) => /kdk_hello_user: greet returned 42$/.test(l)),
        'the exported symbol was called',
      );
      assert.equal(m3.loaded, false);
      assert.equal(m3.refusal, 'disagrees about version of symbol module_layout');
      assert.ok(
        m3.messages.some((l) => /invalid module format/.test(l)),
        m3.messages.join('\n'),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
