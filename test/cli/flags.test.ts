// One meaning per flag name (issue 16 item 10): every command's options are checked against the Flags table in
// docs/conventions.md, so a new command that reuses a name with another argument fails here. Old spellings stay
// as hidden aliases that still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { projectRoot } from '../helpers.js';
import { buildProgram } from '../../src/cli/main.js';
import { debianConfig } from '../../src/distro/index.js';

// Every command group (no argv): the whole tree the help shows.
const program = await buildProgram();

interface Row {
  flag: string;
  args: string[];
}

/** The rows of the Flags table: flag and its argument(s) (`<file>` or `<dir>`). */
function flagTable(): Row[] {
  const doc = readFileSync(join(projectRoot, 'docs', 'conventions.md'), 'utf8');
  const section = doc.split('\n## Flags\n')[1]?.split('\n## ')[0];
  assert.ok(section, 'docs/conventions.md has a Flags section');
  return section
    .split('\n')
    .filter((l) => /^\| `--/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return { flag: cells[1].replace(/`/g, ''), args: [...cells[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]) };
    });
}

function allOptions(): { cmd: string; opt: Option }[] {
  const out: { cmd: string; opt: Option }[] = [];
  const walk = (c: Command, path: string) => {
    for (const opt of c.options) out.push({ cmd: path, opt });
    for (const sub of c.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'kdk');
  return out;
}

test('every command uses each flag of the conventions table with its one argument shape', () => {
  const rows = flagTable();
  assert.ok(rows.length >= 10, 'the table has its rows');
  const options = allOptions().filter((o) => !o.opt.hidden);
  for (const row of rows) {
    const uses = options.filter((o) => o.opt.long === row.flag);
    assert.ok(uses.length > 0, `${row.flag} is used by some command`);
    for (const u of uses) {
      const arg = u.opt.flags.replace(/^(-\w, )?--[\w-]+ ?/, '');
      assert.ok(row.args.includes(arg), `${u.cmd} ${u.opt.flags}: the table says ${row.flag} ${row.args.join(' or ')}`);
    }
  }
});

test('--srctree and --arch are never required (Debian defaults everywhere)', () => {
  for (const { cmd, opt } of allOptions()) {
    if (opt.long === '--srctree' || opt.long === '--arch') assert.equal(opt.mandatory, false, `${cmd} ${opt.flags}`);
  }
});

test('the old spellings are hidden aliases', () => {
  const hidden = allOptions()
    .filter((o) => o.opt.hidden)
    .map((o) => `${o.cmd} ${o.opt.long}`);
  for (const old of [
    'kdk config olddefconfig --in',
    'kdk build --flavour',
    'kdk gap cves --kernel',
    'kdk gap match --kernel',
  ])
    assert.ok(hidden.includes(old), old);
});

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });

test('Debian and kernel arch names, and old and new spellings, give the same result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-flags-'));
  try {
    const input = debianConfig('amd64').path;
    // No --srctree: Debian's tree by default, as for every config command.
    const a = run(['config', 'olddefconfig', '-q', '--config', input, '--arch', 'amd64', '--out', join(dir, 'a')]);
    const b = run(['config', 'olddefconfig', '-q', '--in', input, '--arch', 'x86_64', '--out', join(dir, 'b')]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), readFileSync(join(dir, 'b'), 'utf8'));
    // The same flavour from the kernel's and Debian's arch name.
    const flavour = (arch: string, out: string) =>
      run(['flavour', '-q', '--config', input, '--profile', 'minimal', '--arch', arch, '--out', join(dir, out)]);
    const f1 = flavour('x86_64', 'f1');
    const f2 = flavour('amd64', 'f2');
    assert.equal(f1.status, 0, f1.stderr);
    assert.equal(f2.status, 0, f2.stderr);
    assert.equal(readFileSync(join(dir, 'f1', '.config'), 'utf8'), readFileSync(join(dir, 'f2', '.config'), 'utf8'));
    for (const flag of ['--kernel', '--kernel-version']) {
      const r = run(['gap', 'cves', flag, '6.1.x']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /6\.1\.x/, `${flag} is read as the kernel version`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
