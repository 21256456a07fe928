// `kdk report ...` end to end through the built CLI: JSON shape, titles, stdin, exit codes, --follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', input });

const LOG = [
  '[    1.0] random boot noise',
  '[    2.0] BUG: KASAN: slab-out-of-bounds in foo_write+0x10/0x40',
  '[    2.1] Write of size 4 at addr ffff888000000000 by task a.out/1',
  '[    2.2] Call Trace:',
  '[    2.3]  kasan_report+0x1/0x2',
  '[    2.4]  foo_write+0x10/0x40 [foo_mod]',
  '[    2.5]  vfs_write+0x1/0x2',
  '',
].join('\n');

const FIELDS = [
  'altTitles',
  'corrupted',
  'corruptedReason',
  'end',
  'frames',
  'guiltyFile',
  'guiltyFrame',
  'panicked',
  'start',
  'suppressed',
  'text',
  'title',
  'type',
];

function withLog<T>(content: string, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-report-cli-'));
  try {
    const file = join(dir, 'console.log');
    writeFileSync(file, content);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('report parse --json prints one document with exactly the documented fields', () => {
  withLog(LOG, (file) => {
    const r = run(['report', 'parse', file, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { reports: Record<string, unknown>[] };
    assert.equal(doc.reports.length, 1);
    const rep = doc.reports[0];
    assert.deepEqual(Object.keys(rep).sort(), FIELDS);
    assert.equal(rep.title, 'KASAN: slab-out-of-bounds Write in foo_write');
    assert.equal(rep.type, 'KASAN-WRITE');
    const frames = rep.frames as Record<string, unknown>[];
    assert.deepEqual(frames[1], {
      function: 'foo_write',
      offset: 16,
      size: 64,
      module: 'foo_mod',
      file: null,
      line: null,
    });
  });
});

test('report parse reads stdin and prints a summary; no crash is still exit 0', () => {
  const r = run(['report', 'parse'], LOG);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /#1 KASAN: slab-out-of-bounds Write in foo_write/);
  const none = run(['report', 'parse', '-'], 'just a quiet boot\n');
  assert.equal(none.status, 0);
  assert.match(none.stdout, /no crash found/);
});

test('report titles prints each file with its title, "(no crash)" for a log without one', () => {
  withLog(LOG, (file, dir) => {
    const quiet = join(dir, 'quiet.log');
    writeFileSync(quiet, 'nothing here\n');
    const r = run(['report', 'titles', file, quiet]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${file}: KASAN: slab-out-of-bounds Write in foo_write\n${quiet}: (no crash)\n`);
  });
});

test('report titles: a missing file is reported, the batch goes on, exit 2 at the end; --json and -q', () => {
  withLog(LOG, (file, dir) => {
    const gone = join(dir, 'gone.log');
    const r = run(['report', 'titles', gone, file, dir]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, `${file}: KASAN: slab-out-of-bounds Write in foo_write\n`);
    assert.match(r.stderr, /gone\.log: no such file/);
    assert.match(r.stderr, /is a directory/);
    const j = run(['report', 'titles', '-q', '--json', gone, file]);
    assert.equal(j.status, 2);
    assert.equal(j.stderr, '', '-q: no message on stderr');
    assert.deepEqual(JSON.parse(j.stdout), {
      files: [
        { file: gone, title: null, error: 'no such file' },
        { file, title: 'KASAN: slab-out-of-bounds Write in foo_write' },
      ],
    });
  });
});

test('report parse of a directory, and symbolize of a report of the wrong shape: exit 2 naming the file', () => {
  withLog(LOG, (_file, dir) => {
    const p = run(['report', 'parse', dir]);
    assert.equal(p.status, 2, p.stderr);
    assert.ok(p.stderr.includes(`${dir}: is a directory`), p.stderr);
    const bad = join(dir, 'bad.json');
    for (const doc of [{ reports: [{ title: 'x', frames: 'none' }] }, { reports: [{ title: 5 }] }, { reports: 1 }]) {
      writeFileSync(bad, JSON.stringify(doc, null, 2));
      const s = run(['report', 'symbolize', '--vmlinux', '/bin/ls', bad]);
      assert.equal(s.status, 2, s.stderr);
      assert.ok(s.stderr.startsWith(`kdk: error: ${bad}: not a report document`), s.stderr);
    }
    // Not JSON at all: the line where it stops being JSON is named.
    writeFileSync(bad, '{\n  "reports": [\n    {"title": "x",}\n  ]\n}\n');
    const syntax = run(['report', 'symbolize', '--vmlinux', '/bin/ls', bad]);
    assert.equal(syntax.status, 2, syntax.stderr);
    assert.ok(syntax.stderr.startsWith(`kdk: error: ${bad}:3: not a report document`), syntax.stderr);
  });
});

test('report symbolize refuses a binary without symbols or debug info (exit 2)', () => {
  withLog(LOG, (file) => {
    const doc = run(['report', 'parse', file, '--json']).stdout;
    for (const [bin, why] of [
      ['/bin/ls', /no symbol table/],
      [kdk, /not an ELF file/],
    ] as const) {
      const s = run(['report', 'symbolize', '--vmlinux', bin], doc);
      assert.equal(s.status, 2, s.stderr);
      assert.ok(s.stderr.includes(bin), s.stderr);
      assert.match(s.stderr, why);
    }
  });
});

test('report parse --jsonl prints one report per line; --json holds the same reports as one document', () => {
  const two = LOG + '[    3.0] WARNING: CPU: 0 PID: 1 at fs/x.c:1 bar_fn+0x1/0x2\n[    3.1] RIP: 0010:bar_fn+0x1/0x2\n';
  const l = run(['report', 'parse', '--jsonl'], two);
  assert.equal(l.status, 0, l.stderr);
  const lines = l.stdout.trim().split('\n');
  assert.deepEqual(
    lines.map((x) => (JSON.parse(x) as { title: string }).title),
    ['KASAN: slab-out-of-bounds Write in foo_write', 'WARNING in bar_fn'],
  );
  const j = run(['report', 'parse', '--json'], two);
  assert.deepEqual(
    (JSON.parse(j.stdout) as { reports: unknown[] }).reports,
    lines.map((x) => JSON.parse(x) as unknown),
  );
});

test('a missing log or a malformed report document is an input error (exit 2)', () => {
  const r = run(['report', 'parse', '/nonexistent/console.log']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nonexistent\/console\.log: no such file/);
  const s = run(['report', 'symbolize', '--vmlinux', kdk, '-'], '{"not":"reports"}');
  assert.equal(s.status, 2);
  assert.match(s.stderr, /not a report document/);
});

test('report parse --follow prints a complete report without waiting for Ctrl-C', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-follow-'));
  const file = join(dir, 'serial.log');
  writeFileSync(file, '[    0.1] booting\n');
  const child = spawn(process.execPath, [kdk, 'report', 'parse', '--follow', '--json', file]);
  try {
    let out = '';
    const first = new Promise<string>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out);
      }),
    );
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    // A complete report and 300 lines of other output, then the console stays quiet: it is printed then.
    const rest = Array.from({ length: 300 }, (_, i) => `[    4.${i}] audit: type=1400 line ${i}\n`).join('');
    appendFileSync(file, LOG + rest);
    const line = await first;
    assert.equal((JSON.parse(line) as { title: string }).title, 'KASAN: slab-out-of-bounds Write in foo_write');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report parse --follow reports a crash appended to a growing file', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-follow-'));
  const file = join(dir, 'serial.log');
  writeFileSync(file, '[    0.1] booting\n');
  const child = spawn(process.execPath, [kdk, 'report', 'parse', '--follow', '--json', file]);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  // Wait until it follows (its Ctrl-C handler is in place), however slow the machine.
  await new Promise<void>((resolve) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('following')) resolve();
    });
  });
  try {
    appendFileSync(file, LOG);
    // A second report completes the first one; SIGINT flushes the rest.
    appendFileSync(
      file,
      '[    3.0] WARNING: CPU: 0 PID: 1 at fs/x.c:1 bar_fn+0x1/0x2\n[    3.1] RIP: 0010:bar_fn+0x1/0x2\n',
    );
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0);
    const titles = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { title: string }).title);
    assert.deepEqual(titles, ['KASAN: slab-out-of-bounds Write in foo_write', 'WARNING in bar_fn']);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test("report parse carries syzkaller's suppressed verdict in --json and the summary", () => {
  const data = readFileSync(join(projectRoot, 'test', 'report', 'data', 'report', 'suppressed-oom-executor'), 'utf8');
  const log = data.slice(data.indexOf('\n\n') + 2);
  const j = run(['report', 'parse', '--json'], log);
  assert.equal((JSON.parse(j.stdout) as { reports: { suppressed: boolean }[] }).reports[0].suppressed, true);
  assert.match(run(['report', 'parse'], log).stdout, /suppressed \(the test harness caused it\)/);
});
