import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');

test('kdk --help lists the program and exits 0', () => {
  const r = spawnSync(process.execPath, [kdk, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Kernel Debug Kit/);
});

test('an unknown command is a usage error (exit 2)', () => {
  const r = spawnSync(process.execPath, [kdk, 'no-such-command'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
});

test('output piped into `head` that exits early ends quietly, with the command’s own exit code (no EPIPE crash)', () => {
  // Two configs differing in 20000 symbols: the diff (~600 KB) is far larger than a pipe's buffer, so the
  // writes after `head -1` has gone fail with EPIPE.
  const dir = mkdtempSync(join(tmpdir(), 'kdk-epipe-'));
  try {
    const syms = Array.from({ length: 20000 }, (_, i) => `CONFIG_EPIPE_TEST_SYMBOL_${i}`);
    writeFileSync(join(dir, 'a'), syms.map((s) => `${s}=y\n`).join(''));
    writeFileSync(join(dir, 'b'), syms.map((s) => `# ${s} is not set\n`).join(''));
    const r = spawnSync(
      'bash',
      ['-c', 'set -o pipefail; "$0" "$1" config diff "$2" "$3" | head -1', process.execPath, kdk, 'a', 'b'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.stderr, '', 'nothing on stderr');
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1, 'head printed one line');
    assert.match(r.stdout, /EPIPE_TEST_SYMBOL/);
    assert.equal(r.status, 1, 'diff found differences: exit 1, as without the pipe');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mistyped flag is named with a suggestion, even on a command with a required option (exit 2)', () => {
  for (const [args, bad, good] of [
    [['boot', '--kernal', 'x'], '--kernal', '--kernel'],
    [['gap', 'cves', '--kernal', '6.1.1'], '--kernal', '--kernel'],
    [['flavour', '--outt', 'x'], '--outt', '--out'],
  ] as const) {
    const r = spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`unknown option '${bad}'\\n\\(Did you mean ${good}\\?\\)`), args.join(' '));
    assert.doesNotMatch(r.stderr, /required option/, 'the typo, not the missing option it caused');
  }
});

test('--help still works on a command with required options and an unknown flag', () => {
  const r = spawnSync(process.execPath, [kdk, 'boot', '--kernal', 'x', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: kdk boot/);
});
