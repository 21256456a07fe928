// Fuzzing the reproducer bundle reader (bug.json and the files beside it) with fast-check: bug.json is random
// JSON, a good one with a field replaced, a mutated or deeply nested text; each file may be a symlink to a host
// file, a fifo or a directory. loadBundle returns a bundle or throws a KdkError (exit 2) naming a file in the
// bundle, in time, without reading the host file and quoting at most a short escaped excerpt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { loadBundle } from '../../src/vm/index.js';
import { KdkError } from '../../src/util/errors.js';

const SECRET = 'HOST-SECRET-9b2e';
const MARK = 'Q'.repeat(120);
const base = mkdtempSync(join(tmpdir(), 'kdk-bundle-fuzz-'));
after(() => rmSync(base, { recursive: true, force: true }));
const secretFile = join(base, 'secret.json');
// A valid bug.json naming the secret, so a reader that followed a link would return it.
writeFileSync(secretFile, JSON.stringify({ title: SECRET, timeout: 60 }));

const unsafeChar = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const hostile = fc.constantFrom(
  MARK,
  `\x1b[2J\x1b]0;pwned\x07${MARK}`,
  '\u202e\u200b' + MARK,
  '',
  1e308,
  -1,
  0,
  2 ** 31,
  2 ** 53 + 1,
  7 * 24 * 3600 + 1,
  Number.MAX_SAFE_INTEGER,
  0.5,
  null,
  true,
  [],
  { title: MARK },
);
const good = { title: 'KASAN: use-after-free Read in f', kernel: { commit: 'abc' }, arch: 'x86_64', timeout: 60 };
const bugText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .tuple(
      fc.constantFrom('title', 'kernel', 'compiler', 'arch', 'repeat', 'timeout', '__proto__', 'constructor'),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile),
    )
    .map(([k, v]) => JSON.stringify(good).replace(/}$/, `,${JSON.stringify(k)}:${JSON.stringify(v)}}`)),
  fc.tuple(fc.nat(), fc.nat(30), fc.constantFrom(MARK, '\x1b[31m', '\x00', '"', '}', '\ud800')).map(([at, n, ins]) => {
    const s = JSON.stringify(good);
    const i = at % s.length;
    return s.slice(0, i) + ins + s.slice(Math.min(s.length, i + n));
  }),
  fc.nat(100_000).map((n) => '['.repeat(n + 1)),
  fc.nat(50_000).map((n) => '{"title":'.repeat(n + 1)),
  fc.string({ maxLength: 80, unit: 'binary' }),
);

type Entry = { kind: 'text'; text: string } | { kind: 'symlink' | 'fifo' | 'dir' | 'absent' };
const entry = (text: fc.Arbitrary<string>, weight = 6): fc.Arbitrary<Entry> =>
  fc.oneof(
    { weight, arbitrary: text.map((t): Entry => ({ kind: 'text', text: t })) },
    fc.constantFrom<Entry>({ kind: 'symlink' }, { kind: 'fifo' }, { kind: 'dir' }, { kind: 'absent' }),
  );

function place(path: string, e: Entry): void {
  if (e.kind === 'text') writeFileSync(path, e.text);
  else if (e.kind === 'symlink') symlinkSync(secretFile, path);
  else if (e.kind === 'dir') mkdirSync(path);
  else if (e.kind === 'fifo') assert.equal(spawnSync('mkfifo', [path]).status, 0);
}

/** fast-check's report quotes the counterexample whole (100,000 brackets): cut it for the test log. */
function shortReport(e: unknown): never {
  const err = e as Error;
  throw new Error(err.message.length > 3000 ? err.message.slice(0, 3000) + '...' : err.message, { cause: err.cause });
}

let runNo = 0;
const seen = { loaded: 0, refused: 0 };

test(
  'fuzz: hostile bundles load or fail with exit 2 naming their file, never reading the host',
  { timeout: 300_000 },
  () => {
    try {
      fc.assert(
        fc.property(
          entry(bugText),
          entry(fc.constant('int main(void) { return 0; }\n'), 12),
          entry(fc.constant('CONFIG_KASAN=y\n'), 3),
          entry(fc.constant('MZ'), 1),
          (bug, repro, config, kernel) => {
            const dir = join(base, String(runNo++));
            mkdirSync(dir);
            place(join(dir, 'bug.json'), bug);
            place(join(dir, 'repro.c'), repro);
            place(join(dir, '.config'), config);
            place(join(dir, 'bzImage'), kernel);
            const t0 = Date.now();
            try {
              const b = loadBundle(dir);
              assert.ok(!JSON.stringify(b).includes(SECRET), 'the host file was read');
              assert.ok(b.bug.timeout === undefined || b.bug.timeout <= 7 * 24 * 3600);
              seen.loaded++;
            } catch (e) {
              if (!(e instanceof KdkError)) throw e;
              seen.refused++;
              const text = e.format();
              assert.equal(e.exitCode, 2);
              assert.ok(e.file === dir || e.file?.startsWith(dir + '/'), `error names ${e.file}`);
              assert.ok(!text.includes(SECRET), 'the host file reached the message');
              assert.ok(!unsafeChar.test(text), `raw control character in ${JSON.stringify(text)}`);
              assert.ok(!text.includes('Q'.repeat(41)), `more than a short excerpt quoted: ${text.length}`);
              assert.ok(text.length <= 400 + dir.length, `message of ${text.length} characters`);
            }
            const ms = Date.now() - t0;
            assert.ok(ms < 5_000, `loadBundle took ${ms} ms`);
            rmSync(dir, { recursive: true, force: true });
          },
        ),
        { numRuns: 400 },
      );
    } catch (e) {
      shortReport(e);
    }
    assert.ok(seen.loaded > 5 && seen.refused > 20, JSON.stringify(seen));
  },
);
