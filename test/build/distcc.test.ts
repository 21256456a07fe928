// Compiles through distcc with ccache in front, as `kdk build --distcc` sets them up, against a real distccd
// on loopback started the way `kdk worker --distccd` starts it. distccd's own statistics (its HTTP stats
// port) say how many compiles it served: a small C project here, not a kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distccEnv, checkDistccHosts, runMake } from '../../src/build/index.js';
import { startDistccd } from '../../src/queue/index.js';
import { ensurePackages } from '../../src/util/deps.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** distccd's statistics page (it answers with bare LF line ends, which node's HTTP parser refuses: read it raw). */
function stats(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    const c = connect(port, '127.0.0.1', () => c.write('GET / HTTP/1.0\r\n\r\n'));
    c.on('data', (b: Buffer) => (body += b.toString()));
    c.on('end', () => resolve(body));
    c.on('error', reject);
  });
}

const count = (body: string, key: string) => Number(new RegExp(`^${key} (\\d+)`, 'm').exec(body)?.[1] ?? NaN);

test('DISTCC_HOSTS is checked before a build starts', () => {
  assert.equal(checkDistccHosts('build1/8, build2:3632/4'), 'build1/8 build2:3632/4');
  assert.throws(() => checkDistccHosts('a;rm -rf /'), /--distcc: expected hosts/);
});

test('ccache misses go to distccd through CCACHE_PREFIX, counted by distccd itself', async () => {
  ensurePackages(['distcc', 'ccache', 'gcc', 'make']);
  const [port, statsPort] = [await freePort(), await freePort()];
  const d = startDistccd({ allow: '127.0.0.1/32', listen: '127.0.0.1', port, statsPort }, () => {});
  const dir = mkdtempSync(join(tmpdir(), 'kdk-distcc-'));
  try {
    const files = ['a', 'b', 'c', 'd'];
    for (const f of files) writeFileSync(join(dir, `${f}.c`), `int ${f}(int x) { return x * ${f.charCodeAt(0)}; }\n`);
    writeFileSync(join(dir, 'main.c'), 'int main(void) { return 0; }\n');
    const objs = [...files, 'main'].map((f) => `${f}.o`).join(' ');
    writeFileSync(join(dir, 'Makefile'), `prog: ${objs}\n\t$(CC) -o $@ $^\n%.o: %.c\n\t$(CC) -c -o $@ $<\n`);
    // distccd needs a moment to listen; its stats page answers once it does.
    for (let i = 0; i < 50; i++) {
      if (
        await stats(statsPort).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = count(await stats(statsPort), 'dcc_compile_ok');
    const env = { ...process.env, ...distccEnv(`127.0.0.1:${port}/4`), CCACHE_DIR: join(dir, 'ccache') };
    const r = await runMake(['-C', dir, '-j2', 'CC=ccache gcc', 'prog'], { env });
    assert.equal(r.code, 0, r.output);
    const after = count(await stats(statsPort), 'dcc_compile_ok');
    assert.equal(after - before, files.length + 1, 'every compile went through distccd');
    // Built again from a clean tree: ccache answers, distccd sees nothing new.
    rmSync(join(dir, 'prog'));
    for (const f of [...files, 'main']) rmSync(join(dir, `${f}.o`));
    assert.equal((await runMake(['-C', dir, 'CC=ccache gcc', 'prog'], { env })).code, 0);
    assert.equal(count(await stats(statsPort), 'dcc_compile_ok'), after, 'ccache hits never reach distcc');
  } finally {
    d.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
