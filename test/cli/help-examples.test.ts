// Every example in every `kdk ... --help` text, run as written (issue 16 item 8). The examples are found in the
// help texts themselves (a new command's examples are picked up without touching this file) and run in help
// order in one sandbox directory, as a user following them from the top would: `examples/` is the project's
// shipped samples, `kdk` is on PATH. Where an example needs a big input a user makes in hours, the sandbox holds
// an example-safe stand-in: fl/build is the small test kernel's build (for `kdk build --flavour-dir fl`),
// images/bookworm holds placeholder files (for `kdk image debian`), linux/ is a small real git history with a
// distro branch, published.tar.xz is the shared CVE snapshot; fl/ also holds the test kernel's .debs (for
// `kdk publish`, and the test kernel's headers .deb for `kdk oot build`) and fl/build its .config, modules and
// Module.symvers (for `kdk sign fl`, `kdk abi dump fl`); debian/ and hello/ feed the abi diff and oot examples. The keys a user brings are made in
// the set-up as a user makes them: debug-archive.key a throwaway gpg key, db.key/db.crt by `openssl req`.
// $KDK_DB and $KDK_ARTIFACTS, which the queue examples read, are a throwaway PostgreSQL database
// (test/store/pg.ts) and a directory, and a `kdk worker` on them runs in the background, as a team's would:
// `kdk submit --wait` needs one to take its job. How each example is judged (its documented exit codes, Ctrl-C
// or SIGTERM, slow or network-only) is data in help-examples.json. KDK_CACHE is a sandbox whose
// subdirectories link to the real cache, except vulns/ (the gap examples change the default CVE source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { projectRoot, sharedDir, skipIf } from '../helpers.js';
import { buildProgram } from '../../src/cli/main.js';
import { cacheDir } from '../../src/util/cache.js';
import { smallKernel, stockKernel } from '../vm/fixtures.js';
import { abiKernel } from '../build/abi-kernels.js';
import { dropKey, kernelDebsDir, throwawayCert, throwawayKey } from '../publish/fixtures.js';
import { pgUnavailable, startPg } from '../store/pg.js';
import { startWorker } from '../queue/fixtures.js';
import { findModules } from '../../src/publish/index.js';
import { debianPackaging } from '../../src/distro/index.js';

// Every command group (no argv): the whole tree the help shows.
const program = await buildProgram();

interface Judgement {
  exit?: number[];
  interruptAfterS?: number;
  /** The signal sent after interruptAfterS (default SIGINT, Ctrl-C). */
  signal?: 'SIGINT' | 'SIGTERM';
  /** interruptAfterS counts from the first stderr line matching this (a server or worker saying it is ready). */
  interruptAfter?: string;
  slow?: string;
  network?: string;
  why?: string;
}

const DATA = JSON.parse(readFileSync(join(projectRoot, 'test', 'cli', 'help-examples.json'), 'utf8')) as {
  examples: Record<string, Judgement>;
};

/** Each command's help text and the example lines in it (`  kdk ...` under an "Example" heading). */
function helpExamples(): { command: string; leaf: boolean; examples: string[] }[] {
  const out: { command: string; leaf: boolean; examples: string[] }[] = [];
  const walk = (c: Command, path: string) => {
    let help = '';
    c.configureOutput({ writeOut: (s) => (help += s) });
    c.outputHelp();
    const examples: string[] = [];
    let inExamples = false;
    for (const line of help.split('\n')) {
      // A heading line ending in a colon: 'Example:', 'Examples (...):', 'Needs root. Example:'.
      if (/\bExamples?\b.*:\s*$/.test(line)) inExamples = true;
      else if (inExamples && /^\S/.test(line)) inExamples = false;
      else if (inExamples && /^\s+kdk /.test(line)) examples.push(line.trim().replace(/\s+# .*$/, ''));
      // A line ending in a backslash goes on on the next, as in the shell.
      else if (inExamples && examples.at(-1)?.endsWith('\\'))
        examples.push(`${examples.pop()!.slice(0, -1).trimEnd()} ${line.trim()}`);
    }
    out.push({ command: path, leaf: c.commands.length === 0, examples });
    for (const sub of c.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'kdk');
  return out;
}

/** A small kernel-style history: the fix's Fixes: target is on debian/6.1, the fix itself only on master. */
function gitFixture(dir: string): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.org',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.org',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' }).stdout.trim();
  mkdirSync(dir);
  git('init', '-q', '-b', 'master');
  const commit = (file: string, text: string, message: string) => {
    writeFileSync(join(dir, file), text);
    git('add', file);
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  commit('Makefile', 'VERSION = 6\nPATCHLEVEL = 1\n', 'Linux 6.1');
  git('tag', 'v6.1');
  const bug = commit('mm.c', 'void frob(void) { alloc(); }\n', 'mm: add frob()');
  git('branch', 'debian/6.1');
  commit(
    'mm.c',
    'void frob(void) { free(alloc()); }\n',
    `mm: fix the leak in frob()\n\nFixes: ${bug.slice(0, 12)} ("mm: add frob()")`,
  );
}

/** fl/: the test kernel's build files a kdk build leaves (image, vmlinux, .config, modules) and its .debs. */
async function flavourDir(fl: string): Promise<void> {
  const k = await smallKernel();
  const build = join(fl, 'build');
  const tree = dirname(k.vmlinux);
  const link = (target: string, at: string) => {
    mkdirSync(dirname(join(build, at)), { recursive: true });
    symlinkSync(target, join(build, at));
  };
  link(k.bzImage, 'arch/x86/boot/bzImage');
  link(k.vmlinux, 'vmlinux');
  link(k.config, '.config');
  // The ABI and headers package a MODVERSIONS build leaves (`kdk abi dump fl`, `kdk oot build --headers`):
  // the test kernel's, under the name `kdk build` gives its .deb.
  if (k.symvers) link(k.symvers, 'Module.symvers');
  if (k.headersDeb) symlinkSync(k.headersDeb, join(fl, 'linux-headers-6.1.176-kdk_1_amd64.deb'));
  // The modules in the tree, not the copy under kdk-modules/ that the image's initramfs takes.
  for (const ko of findModules(tree).filter((m) => !relative(tree, m).startsWith('kdk-modules')))
    link(ko, relative(tree, ko));
  const debs = kernelDebsDir();
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) symlinkSync(join(debs, deb), join(fl, deb));
}

/**
 * What the abi and oot examples read beside fl/: debian/ with Debian's config/defines (the bookworm packaging)
 * and an abi file at abi/6.1.0-53/amd64_none_amd64 (a stand-in: the test kernel's own Module.symvers, since
 * Debian's abi files come from its archive builds, which are not here), and ./hello, a one-module directory
 * made from the out-of-tree fixture's kdk_hello.c.
 */
function abiInputs(cwd: string, symvers: string | undefined): void {
  const debian = join(cwd, 'debian');
  mkdirSync(join(debian, 'abi', '6.1.0-53'), { recursive: true });
  symlinkSync(join(debianPackaging().dir, 'debian', 'config'), join(debian, 'config'));
  if (symvers) symlinkSync(symvers, join(debian, 'abi', '6.1.0-53', 'amd64_none_amd64'));
  const hello = join(cwd, 'hello');
  mkdirSync(hello);
  copyFileSync(join(projectRoot, 'test', 'build', 'fixtures', 'oot', 'hello', 'kdk_hello.c'), join(hello, 'hello.c'));
  writeFileSync(join(hello, 'Kbuild'), 'obj-m := hello.o\n');
}

/** The keys a user brings to kdk publish and kdk sign, made as docs/publish.md says. */
function userKeys(cwd: string): () => void {
  const gpgKey = throwawayKey();
  copyFileSync(gpgKey.keyFile, join(cwd, 'debug-archive.key'));
  throwawayCert(cwd, 'kdk example db key', 'db');
  return () => dropKey(gpgKey);
}

/** $KDK_DB, $KDK_ARTIFACTS and a background worker on them; undefined (and why) without PostgreSQL. */
async function queue(cwd: string, cache: string): Promise<{ env: NodeJS.ProcessEnv; stop: () => void } | string> {
  const why = pgUnavailable();
  if (why) return why;
  const pg = await startPg();
  pg.createDb('kdk');
  const env = { KDK_DB: pg.url('kdk'), KDK_ARTIFACTS: join(cwd, 'artifacts') };
  mkdirSync(env.KDK_ARTIFACTS);
  const unused = () => Promise.reject(new Error('unused'));
  const w = await startWorker(
    { url: env.KDK_DB, artifacts: env.KDK_ARTIFACTS, kdk: unused },
    'examples-bg',
    ['--kinds', 'run,boot'],
    { KDK_CACHE: cache },
  );
  return {
    env,
    stop: () => {
      w.child.kill('SIGKILL');
      pg.stop();
    },
  };
}

/** The sandbox: working directory, PATH with `kdk`, KDK_CACHE, and the stand-ins for big inputs. */
async function sandbox(): Promise<{ cwd: string; env: NodeJS.ProcessEnv; noDb?: string; done: () => void }> {
  const cwd = mkdtempSync(join(tmpdir(), 'kdk-examples-'));
  symlinkSync(join(projectRoot, 'examples'), join(cwd, 'examples'));
  const bin = join(cwd, '.bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'kdk'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(projectRoot, 'bin', 'kdk.js')}" "$@"\n`,
  );
  chmodSync(join(bin, 'kdk'), 0o755);
  const cache = join(cwd, '.cache');
  mkdirSync(cache);
  for (const kind of ['trees', 'kernels', 'images', 'probes', 'kconfig', 'ccache', 'builds', 'debian', 'abi'] as const)
    symlinkSync(cacheDir(kind), join(cache, kind));
  // `kdk boot --kernel /vmlinuz` names the link Debian's linux-image-amd64 makes: a fresh machine has no /vmlinuz
  // until it is installed, and this test may run before any VM test installs it (the cold CI run of 21ca3b8).
  stockKernel();
  await flavourDir(join(cwd, 'fl'));
  abiInputs(cwd, (await smallKernel()).symvers);
  // `kdk abi diff old-build new-build`: the ABI test's two kernel-cache entries (test kernel, +DEBUG_CREDENTIALS).
  symlinkSync((await smallKernel()).dir, join(cwd, 'old-build'));
  symlinkSync((await abiKernel('cred')).dir, join(cwd, 'new-build'));
  const dropKeys = userKeys(cwd);
  mkdirSync(join(cwd, 'images', 'bookworm'), { recursive: true });
  for (const f of ['disk.img', 'id_ed25519']) writeFileSync(join(cwd, 'images', 'bookworm', f), '');
  gitFixture(join(cwd, 'linux'));
  symlinkSync(sharedDir('corpora', 'kernel-vulns', 'published.tar.xz'), join(cwd, 'published.tar.xz'));
  const q = await queue(cwd, cache);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, KDK_CACHE: cache };
  return {
    cwd,
    env: typeof q === 'string' ? env : { ...env, ...q.env },
    noDb: typeof q === 'string' ? q : undefined,
    done: () => {
      if (typeof q !== 'string') q.stop();
      dropKeys();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

function reachable(url: string): boolean {
  const r = spawnSync('git', ['ls-remote', '--exit-code', url, 'HEAD'], { timeout: 15_000, stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Run one example with bash in the sandbox; `signal` (SIGINT) to its whole process group `interruptAfterS` after
 * its start, or after its stderr first matched `interruptAfter`.
 */
function runExample(
  example: string,
  box: { cwd: string; env: NodeJS.ProcessEnv },
  j: Judgement,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', example], { cwd: box.cwd, env: box.env, detached: true });
    let stdout = '';
    let stderr = '';
    const timers = [setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 300_000)];
    const interrupt = () =>
      timers.push(setTimeout(() => process.kill(-child.pid!, j.signal ?? 'SIGINT'), j.interruptAfterS! * 1000));
    let waiting = j.interruptAfterS !== undefined && j.interruptAfter !== undefined;
    if (j.interruptAfterS !== undefined && !waiting) interrupt();
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (waiting && new RegExp(j.interruptAfter!).test(stderr)) {
        waiting = false;
        interrupt();
      }
    });
    child.on('close', (code) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

const commands = helpExamples();
const examples = commands.flatMap((c) => c.examples.map((e) => ({ command: c.command, example: e })));

test('every command has at least one example in its --help', () => {
  const without = commands.filter((c) => c.leaf && c.command !== 'kdk' && c.examples.length === 0);
  assert.deepEqual(
    without.map((c) => c.command),
    [],
  );
  assert.ok(examples.length >= 25, `${examples.length} examples found`);
  for (const stale of Object.keys(DATA.examples).filter((e) => !examples.some((x) => x.example === e)))
    process.stderr.write(`note: help-examples.json judges an example no help text has any more: ${stale}\n`);
});

const box = await sandbox();
test.after(() => box.done());

for (const { command, example } of examples) {
  const j = DATA.examples[example] ?? {};
  const skip =
    j.slow && !process.env.KDK_SLOW
      ? `${example}: ${j.slow} (KDK_SLOW=1 runs it)`
      : j.network && !reachable(j.network)
        ? `${example}: needs ${j.network}, not reachable from here`
        : box.noDb && example.includes('KDK_DB')
          ? `${example}: needs a PostgreSQL for $KDK_DB: ${box.noDb}`
          : undefined;
  test(`${command} --help example runs as written: ${example}`, { skip: skipIf(skip) }, async () => {
    const r = await runExample(example, box, j);
    const allowed = j.exit ?? [0];
    assert.ok(
      r.code !== null && allowed.includes(r.code),
      `exit ${r.code}, documented ${allowed.join(' or ')}\n${r.stderr.slice(-3000)}`,
    );
    assert.doesNotMatch(r.stderr, /internal error|^\s+at .*:\d+:\d+\)?$/m, 'no crash or stack trace');
  });
}
