// kdk plan --repo: the separate-archive strategies weigh a published debug archive by its own .debs (the file
// sizes on disk are the ground truth) instead of Debian's package sizes times the size ratio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StrategyCost } from '../../src/plan/index.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { skipIf } from '../helpers.js';
import { dropKey, kdk, kernelDebsDir, throwawayKey, tmp, type TestKey } from './fixtures.js';

const skip = skipIf(packagesSkipReason(['apt-utils', 'gnupg', 'gpgv']));
let key: TestKey;
before(() => {
  if (!skip) key = throwawayKey();
});
after(() => key && dropKey(key));

test(
  'kdk plan --repo: separate-archive and combined use the published sizes, mirrored strategies do not',
  { skip },
  () => {
    const debs = kernelDebsDir();
    const repo = join(tmp(), 'repo');
    const p = kdk(['publish', '--debs', debs, '--repo', repo, '--suite', 'dbg', '--key-file', key.keyFile, '--quiet']);
    assert.equal(p.code, 0, p.stderr);
    const plan = (extra: string[]) => {
      const r = kdk(['plan', '--json', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const base = plan([]);
    const withRepo = plan(['--repo', repo, '--suite', 'dbg']);
    const by = (pl: { strategies: StrategyCost[] }) => Object.fromEntries(pl.strategies.map((s) => [s.strategy, s]));
    const [b, w] = [by(base), by(withRepo)];
    // Ground truth: the image package's file (linux-libc-dev is not part of a flavour's weight).
    const onDisk = readdirSync(debs)
      .filter((f) => /^linux-(image|headers)-.*\.deb$/.test(f))
      .reduce((n, f) => n + statSync(join(debs, f)).size, 0);
    assert.ok(onDisk > 100_000);
    const amd64 = base.inputs.sizes.archs.amd64.find(
      (f: { flavour: string }) => f.flavour === base.inputs.defaultFlavours.amd64,
    );
    const ratio = base.inputs.params.sizeRatio;
    for (const [name, dbg] of [
      ['separate-archive', true],
      ['combined', false],
    ] as const) {
      assert.deepEqual(w[name].measuredArchs, ['amd64'], name);
      const estimate = (amd64.image + amd64.headers + (dbg ? amd64.dbg : 0)) * ratio;
      const delta = (w[name].perUpload.archiveGB - b[name].perUpload.archiveGB) * 1e9;
      assert.ok(Math.abs(delta - (onDisk - estimate)) < 1, `${name}: ${delta} vs ${onDisk - estimate}`);
    }
    for (const name of ['all-archs', 'no-dbg', 'amd64-arm64-dev']) {
      assert.equal(w[name].measuredArchs, undefined);
      assert.equal(w[name].perUpload.archiveGB, b[name].perUpload.archiveGB, `${name} is on the mirrors: unchanged`);
    }
    const bad = kdk(['plan', '--repo', repo, '--suite', 'nosuch']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no published suite 'nosuch'/);
  },
);
