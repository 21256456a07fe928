// No QEMU outlives kdk: killed with SIGKILL (no handler can run: QEMU dies through PR_SET_PDEATHSIG), and
// interrupted with Ctrl-C (SIGINT: the exit hooks kill the process group). Zombies count as gone (this
// machine's PID 1 may not reap them). Nor does any temporary directory (kdk-vm-*, kdk-run-* were left before):
// each run gets its own TMPDIR, empty again afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { cFile, kdk, liveWith, noQemuWith, stockKernel, tag, tmp } from './fixtures.js';

const kernel = stockKernel();
const sleeper = cFile('sleeper.c', '#include <unistd.h>\nint main(void) { sleep(600); return 0; }\n');

for (const signal of ['SIGKILL', 'SIGINT'] as const) {
  test(`kdk killed with ${signal} mid-run leaves no QEMU behind`, async () => {
    const t = tag();
    let sent = false;
    let qemuSeen = 0;
    const tmpdir = tmp('kdk-tmpdir-');
    const r = await kdk(['run', '--kernel', kernel, '--repro', sleeper, '--append', t, '--timeout', '300'], {
      env: { TMPDIR: tmpdir },
      onStderr: (text, child) => {
        if (!sent && /program 01-repro started/.test(text)) {
          sent = true;
          qemuSeen = liveWith(t).length;
          child.kill(signal);
        }
      },
    });
    assert.ok(sent, `the guest never started the program:\n${r.stderr}`);
    assert.equal(qemuSeen, 1, 'QEMU was running when kdk was killed');
    assert.ok(r.signal === signal || r.code === 130, `kdk ended by ${signal}: ${r.code}/${r.signal}\n${r.stderr}`);
    assert.deepEqual(await noQemuWith(t), [], 'no QEMU left');
    assert.deepEqual(readdirSync(tmpdir), [], 'no temporary directory left');
  });
}
