// Debian's `linux` packaging look-ups (issue 16 item 5): versions the archive lists but does not serve are tried
// once and remembered while apt's Sources indexes are unchanged, so a warm `kdk flavour` does not spend seconds
// on `apt-get source` calls that failed last time. Real apt, real archive, a throwaway KDK_CACHE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianPackaging } from '../../src/distro/index.js';
import { isRoot } from '../../src/util/deps.js';
import { skipIf } from '../helpers.js';

const LISTS = '/var/lib/apt/lists';

test(
  "failed packaging look-ups are remembered while apt's Sources indexes are unchanged",
  { skip: skipIf(isRoot() ? undefined : 'needs root: touches the apt lists directory as apt-get update does') },
  () => {
    const cache = mkdtempSync(join(tmpdir(), 'kdk-pkg-'));
    const saved = process.env.KDK_CACHE;
    process.env.KDK_CACHE = cache;
    const failures = (logs: string[]) => logs.filter((l) => /^kdk: linux \S+: not downloadable/.test(l));
    try {
      const first: string[] = [];
      const pkg = debianPackaging({ log: (l) => first.push(l) });
      // An `apt-get update` that fetched nothing new still rewrites the lists directory (its mtime changes):
      // that must not throw away what was learnt from the same indexes.
      const st = statSync(LISTS);
      utimesSync(LISTS, st.atime, new Date());
      const second: string[] = [];
      assert.deepEqual(debianPackaging({ log: (l) => second.push(l) }), pkg);
      assert.deepEqual(failures(second), [], 'no download tried again');
      for (const failed of failures(first)) {
        const v = /linux (\S+):/.exec(failed)![1];
        const again: string[] = [];
        // Asking for a version that failed before falls back to the remembered one at once.
        assert.deepEqual(debianPackaging({ prefer: v, log: (l) => again.push(l) }), pkg);
        assert.deepEqual(failures(again), [], `${v} is not tried again`);
      }
    } finally {
      process.env.KDK_CACHE = saved;
      rmSync(cache, { recursive: true, force: true });
    }
  },
);
