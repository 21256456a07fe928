// Fuzzing the CVE snapshot readers (the .dyad and .sha1 lines, the CVE 5 JSON record) with fast-check, through
// the index build a `--vulns DIR` goes through: each record file is random text, a symlink to a host file, a
// fifo, a directory or missing. Whatever the tree holds, the build finishes (no throw, no wait on a fifo), never
// reads outside the tree (the host file's secret is nowhere in the index or the file it writes), and a problem
// names a file inside the tree and quotes at most a short escaped excerpt of the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex } from '../../src/gap/index.js';
import { tempDir } from './tmp.js';

const SECRET = 'HOST-SECRET-c41d';
/** A run of one letter no message may hold more than 40 of (the excerpt length). */
const MARK = 'Q'.repeat(120);
const sha = (c: string) => c.repeat(40);
const ID = 'CVE-2024-0001';

const secretDir = tempDir('kdk-fuzz-secret-');
const secretFile = join(secretDir, 'secret');
// Looks like each record kind, so a reader that followed the link would take it in.
writeFileSync(
  secretFile,
  `6.1:${sha('a')}:6.1.9:${sha('b')}\n${sha('c')}\n` +
    JSON.stringify({
      cveMetadata: { cveId: ID },
      containers: { cna: { descriptions: [{ lang: 'en', value: SECRET }] } },
    }),
);
writeFileSync(join(secretDir, 'dyad'), `${SECRET}:${sha('a')}:6.1.9:${sha('b')}\n`);
// What the year directory linked out of the tree would offer.
writeFileSync(join(secretDir, 'CVE-2023-0009.dyad'), `${SECRET}\n6.1:${sha('a')}:6.1.9:${sha('b')}\n`);
writeFileSync(join(secretDir, 'CVE-2023-0009.json'), readFileSync(secretFile, 'utf8').split('\n')[2]);

const unsafeChar = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const hostile = fc.constantFrom(
  MARK,
  `\x1b[2J\x1b]0;pwned\x07${MARK}`,
  'a:b:c:d:e',
  ':'.repeat(5000),
  '6.1:' + '0'.repeat(4000),
  `${'9'.repeat(400)}.1:${sha('a')}:6.2:${sha('b')}`,
  'BUG: '.repeat(2000),
  'WARNING in ' + 'a'.repeat(8000) + '!',
  '\u202e\u200b' + MARK,
);
const version = fc.constantFrom('0', '6.1', '6.1.9', '5.10.200', '6.12-rc1', '1.2.3.4.5', 'x', '', '6.01');
const commit = fc.constantFrom('0', sha('a'), sha('b'), 'abc1234', 'zz', '', 'A'.repeat(40), sha('f') + 'f');
const dyadLine = fc.oneof(
  fc.tuple(version, commit, version, commit).map((p) => p.join(':')),
  fc.string({ maxLength: 60, unit: 'binary' }),
  hostile,
  fc.constantFrom('# comment', '', '  ', '\r'),
);
const lines = (l: fc.Arbitrary<string>) => fc.array(l, { maxLength: 12 }).map((x) => x.join('\n'));

const goodRecord = {
  cveMetadata: { cveId: ID },
  containers: {
    cna: {
      descriptions: [{ lang: 'en', value: 'In the Linux kernel, the following vulnerability has been resolved:\n\nx' }],
      affected: [{ programFiles: ['net/a.c'] }],
    },
  },
};
/** Records with a field replaced by random JSON, hostile text, or a mutation of the good record's text. */
const recordText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .tuple(fc.constantFrom('id', 'desc', 'files', 'lang', 'cna'), fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile))
    .map(([field, v]) => {
      const r = structuredClone(goodRecord) as Record<string, unknown> & typeof goodRecord;
      if (field === 'id') (r.cveMetadata as Record<string, unknown>).cveId = v;
      if (field === 'desc') (r.containers.cna.descriptions[0] as Record<string, unknown>).value = v;
      if (field === 'files') (r.containers.cna.affected[0] as Record<string, unknown>).programFiles = [v];
      if (field === 'lang') (r.containers.cna.descriptions[0] as Record<string, unknown>).lang = v;
      if (field === 'cna') (r.containers as Record<string, unknown>).cna = v;
      return JSON.stringify(r);
    }),
  fc.tuple(fc.nat(), fc.nat(40), hostile).map(([at, len, ins]) => {
    const s = JSON.stringify(goodRecord);
    const i = at % s.length;
    return s.slice(0, i) + ins + s.slice(Math.min(s.length, i + len));
  }),
  fc.nat(100_000).map((n) => '['.repeat(n + 1)),
  fc.nat(50_000).map((n) => '{"a":'.repeat(n + 1) + MARK),
  fc.string({ maxLength: 80, unit: 'binary' }),
);

type Entry = { kind: 'text'; text: string } | { kind: 'symlink' | 'fifo' | 'dir' | 'absent' };
const entry = (text: fc.Arbitrary<string>): fc.Arbitrary<Entry> =>
  fc.oneof(
    { weight: 4, arbitrary: text.map((t): Entry => ({ kind: 'text', text: t })) },
    fc.constantFrom<Entry>({ kind: 'symlink' }, { kind: 'fifo' }, { kind: 'dir' }, { kind: 'absent' }),
  );

function place(path: string, e: Entry, linkTo: string): void {
  if (e.kind === 'text') writeFileSync(path, e.text);
  else if (e.kind === 'symlink') symlinkSync(linkTo, path);
  else if (e.kind === 'dir') mkdirSync(path);
  else if (e.kind === 'fifo') assert.equal(spawnSync('mkfifo', [path]).status, 0);
}

const root = tempDir('kdk-fuzz-vulns-');
/** fast-check's report quotes the counterexample whole (100,000 brackets): cut it for the test log. */
function shortReport(e: unknown): never {
  const err = e as Error;
  throw new Error(err.message.length > 3000 ? err.message.slice(0, 3000) + '...' : err.message, { cause: err.cause });
}

let runNo = 0;
/** So the property is not vacuous: runs that indexed the CVE, and runs that reported problems. */
const seen = { indexed: 0, problems: 0, refused: 0 };

test(
  'fuzz: hostile CVE trees index without a throw, a wait, a host file or a long quote',
  { timeout: 300_000 },
  async () => {
    try {
      await fc.assert(
        fc.asyncProperty(
          entry(lines(dyadLine)),
          entry(recordText),
          entry(lines(fc.oneof(commit, hostile))),
          fc.boolean(),
          async (dyad, json, sha1, yearLink) => {
            const tree = join(root, String(runNo++));
            const pub = join(tree, 'cve', 'published');
            const year = join(pub, '2024');
            mkdirSync(year, { recursive: true });
            place(join(year, `${ID}.dyad`), dyad, dyad.kind === 'symlink' ? join(secretDir, 'dyad') : secretFile);
            place(join(year, `${ID}.json`), json, secretFile);
            place(join(year, `${ID}.sha1`), sha1, secretFile);
            if (dyad.kind === 'absent' && json.kind === 'absent' && sha1.kind === 'absent')
              writeFileSync(join(year, `${ID}.sha1`), '');
            // A year directory that is a link out of the tree, holding records that name the secret.
            if (yearLink) symlinkSync(secretDir, join(pub, '2023'));
            const out = join(tree, 'index.json');
            const t0 = Date.now();
            const index = await buildIndex(pub, out, { key: 'fuzz', source: 'fuzz' });
            const ms = Date.now() - t0;
            assert.ok(ms < 10_000, `index build took ${ms} ms`);
            const written = readFileSync(out, 'utf8');
            assert.ok(!written.includes(SECRET), 'the host file reached the index');
            assert.ok(!JSON.stringify(index).includes(SECRET));
            for (const p of index.problems) {
              assert.ok(p.file.startsWith(tree + '/'), `problem outside the tree: ${p.file}`);
              assert.ok(!unsafeChar.test(p.message), `raw control character in ${JSON.stringify(p.message)}`);
              assert.ok(!p.message.includes('Q'.repeat(41)), `more than a short excerpt quoted: ${p.message.length}`);
              assert.ok(p.message.length <= 400, `message of ${p.message.length} characters`);
            }
            assert.ok(index.cves.length <= 1);
            if (index.cves.length) seen.indexed++;
            if (index.problems.length) seen.problems++;
            if (index.problems.some((p) => /not a regular file|not a directory/.test(p.message))) seen.refused++;
            rmSync(tree, { recursive: true, force: true });
          },
        ),
        { numRuns: 150 },
      );
    } catch (e) {
      shortReport(e);
    }
    assert.ok(seen.indexed > 10 && seen.problems > 10 && seen.refused > 10, JSON.stringify(seen));
  },
);
