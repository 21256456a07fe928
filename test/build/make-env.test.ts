// kdk's make runs in the environment kdk was given, whatever the user's ~/.bashrc says. Found on the Rust kernel:
// node's 'pipe' stdio is a socketpair, and bash -c with a socket on stdin at shell level < 2 (SHLVL 0 or unset: a
// kdk started under nohup or a service) takes itself for an rshd/sshd session and sources ~/.bashrc; a ~/.bashrc
// putting rustup's ~/.cargo/bin first made the tree's rust_is_available.sh find another rustc, and
// RUST_IS_AVAILABLE=n, only when kdk was started that way (src/build/make.ts runs bash --norc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMake } from '../../src/build/index.js';

test('make runs without the ~/.bashrc of a socket-stdin, shell-level-0 bash', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kdk-make-env-'));
  try {
    writeFileSync(join(home, '.bashrc'), 'export KDK_BASHRC_MARK=sourced\nexport PATH=/nonexistent-cargo/bin:$PATH\n');
    writeFileSync(join(home, 'Makefile'), 'show:\n\t@echo "mark=[$$KDK_BASHRC_MARK] path=[$$PATH]"\n');
    const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: home, SHLVL: '0', LC_ALL: 'C' };
    const r = await runMake(['-s', '-C', home, 'show'], { env });
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /^mark=\[\] path=\[\/usr\/sbin:\/usr\/bin:\/sbin:\/bin\]$/m, r.stdout);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
