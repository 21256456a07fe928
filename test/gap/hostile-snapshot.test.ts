// A CVE snapshot built to leak the host: record files that are symlinks to a secret, a year directory
// that is a symlink out of the tree, a fifo where a record should be, and a malformed line full of escape
// sequences. kdk indexes the rest, names what it refused, never prints or caches the secret, and never hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { tempDir } from './tmp.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const SECRET = 'TOP-SECRET-7f3a9c';
const sha = (c: string) => c.repeat(40);

function hostileTree(): { root: string; secretDir: string } {
  const secretDir = tempDir('kdk-secret-');
  // The secret looks like a record (a dyad line, a JSON record) so following the link would use it.
  writeFileSync(join(secretDir, 'secret.txt'), `${SECRET} 6.1:${sha('a')}:6.2:${sha('b')}\n`);
  writeFileSync(
    join(secretDir, 'CVE-2023-0009.json'),
    JSON.stringify({
      cveMetadata: { cveId: 'CVE-2023-0009' },
      containers: { cna: { descriptions: [{ lang: 'en', value: SECRET }] } },
    }),
  );
  writeFileSync(join(secretDir, 'CVE-2023-0009.dyad'), `6.1:${sha('a')}:6.1.9:${sha('b')}\n`);
  const root = tempDir('kdk-hostile-vulns-');
  const y = join(root, 'cve', 'published', '2024');
  mkdirSync(y, { recursive: true });
  // A good record, so the index is not empty.
  writeFileSync(join(y, 'CVE-2024-0001.dyad'), `6.1:${sha('c')}:6.1.9:${sha('d')}\n`);
  writeFileSync(
    join(y, 'CVE-2024-0001.json'),
    JSON.stringify({
      cveMetadata: { cveId: 'CVE-2024-0001' },
      containers: {
        cna: {
          descriptions: [{ lang: 'en', value: 'net: fix \x1b]0;pwned\x07 it' }],
          affected: [{ programFiles: ['\x1b[2J\x1b[1;1Hnet/a.c', 'x|y.c'] }],
        },
      },
    }),
  );
  symlinkSync(join(secretDir, 'secret.txt'), join(y, 'CVE-2024-0002.dyad'));
  writeFileSync(join(y, 'CVE-2024-0003.dyad'), `6.1:${sha('c')}:6.1.9:${sha('d')}\n`);
  symlinkSync(join(secretDir, 'secret.txt'), join(y, 'CVE-2024-0003.json'));
  symlinkSync(join(secretDir, 'secret.txt'), join(y, 'CVE-2024-0003.sha1'));
  const fifo = spawnSync('mkfifo', [join(y, 'CVE-2024-0004.dyad')]);
  assert.equal(fifo.status, 0, String(fifo.stderr));
  // A malformed line: long, with terminal escapes, quoted back only as a short escaped excerpt.
  writeFileSync(
    join(y, 'CVE-2024-0005.dyad'),
    `\x1b[2J\x1b[31mbad ${'x'.repeat(5000)}\n6.1:${sha('c')}:6.1.9:${sha('d')}\n`,
  );
  writeFileSync(join(y, 'CVE-2024-0006.dyad'), `6.1:${sha('c')}:6.1.9:${sha('d')}\n`);
  writeFileSync(join(y, 'CVE-2024-0006.json'), `{"cveMetadata": ${SECRET}`);
  symlinkSync(secretDir, join(root, 'cve', 'published', '2023'));
  return { root, secretDir };
}

/** kdk with a deadline: a hang (a fifo read) fails the test instead of stalling it. */
function kdkRun(args: string[], cache: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kdk, ...args], { env: { ...process.env, KDK_CACHE: cache } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function cacheText(cache: string): string {
  const dir = join(cache, 'vulns');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json') || n.endsWith('.bin')) // the index is a .bin (index-file.ts)
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('\n');
}

test('a hostile --vulns tree: symlinks and a fifo are refused and named, the secret never shows, no hang', async () => {
  const { root } = hostileTree();
  const cache = tempDir('kdk-cache-');
  for (const extra of [['--json'], []]) {
    const r = await kdkRun(['gap', 'cves', '--vulns', root, '--kernel', '6.1.5', ...extra], cache);
    assert.notEqual(r.status, null, 'kdk hung (killed after 60 s)');
    assert.equal(r.status, 1, r.stderr); // open CVEs found among the good records
    assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the secret was printed');
    assert.ok(!/\x1b/.test(r.stdout + r.stderr), 'a terminal escape sequence was printed');
    if (extra.length) {
      const out = JSON.parse(r.stdout) as {
        findings: { cve: string }[];
        problems: { file: string; message: string }[];
      };
      const ids = out.findings.map((f) => f.cve).sort();
      assert.deepEqual(ids, ['CVE-2024-0001', 'CVE-2024-0003', 'CVE-2024-0005', 'CVE-2024-0006']);
      const probs = out.problems.map((p) => `${p.file.split('/').slice(-2).join('/')}: ${p.message}`);
      const has = (re: RegExp) =>
        assert.ok(
          probs.some((p) => re.test(p)),
          `${re} in\n${probs.join('\n')}`,
        );
      has(/published\/2023: not a directory/);
      has(/2024\/CVE-2024-0002\.dyad: a symlink, not a regular file/);
      has(/2024\/CVE-2024-0003\.json: a symlink/);
      has(/2024\/CVE-2024-0003\.sha1: a symlink/);
      has(/2024\/CVE-2024-0004\.dyad: not a regular file \(fifo/);
      has(/2024\/CVE-2024-0006\.json: invalid JSON: not valid JSON(?: at line \d+ column \d+)?$/);
      const bad = probs.find((p) => p.includes('CVE-2024-0005.dyad'))!;
      assert.ok(bad.length < 200, bad);
      assert.match(bad, /malformed dyad line "\\x1b\[2J\\x1b\[31mbad x+\.\.\."/);
    }
  }
  assert.ok(!cacheText(cache).includes(SECRET), 'the secret is in the cached index');
  assert.ok(!cacheText(cache).includes('\x1b[2J'), 'the raw malformed line is in the cached index');
});

test('a tarball with a symlink or a fifo in it is refused (exit 2) before anything is unpacked', async () => {
  for (const kind of ['symlink', 'fifo']) {
    const { secretDir } = hostileTree();
    const src = tempDir('kdk-tar-src-');
    const y = join(src, 'cve', 'published', '2024');
    mkdirSync(y, { recursive: true });
    writeFileSync(join(y, 'CVE-2024-0001.dyad'), `6.1:${sha('c')}:6.1.9:${sha('d')}\n`);
    if (kind === 'symlink') symlinkSync(join(secretDir, 'secret.txt'), join(y, 'CVE-2024-0002.dyad'));
    else assert.equal(spawnSync('mkfifo', [join(y, 'CVE-2024-0002.dyad')]).status, 0);
    const tarball = join(tempDir('kdk-tar-'), 'published.tar.xz');
    const t = spawnSync('tar', ['-cJf', tarball, '-C', src, 'cve']);
    assert.equal(t.status, 0, String(t.stderr));
    const cache = tempDir('kdk-cache-');
    const r = await kdkRun(['gap', 'cves', '--tarball', tarball, '--kernel', '6.1.5'], cache);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`is a ${kind}: .*refusing the tarball`));
    assert.ok(!(r.stdout + r.stderr).includes(SECRET));
    assert.ok(!readdirSync(join(cache, 'vulns')).some((n) => n.startsWith('tar-')), 'nothing unpacked');
  }
});
