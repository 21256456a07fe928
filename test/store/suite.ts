// The store's behaviour, run once per dialect (sqlite.test.ts, postgres.test.ts): the same queries must give the
// same answers on both. Consoles are real (syzkaller's corpus); expected titles are the corpus's own headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseLog, reportToJson } from '../../src/report/index.js';
import type { Store } from '../../src/store/index.js';
import { corpusCases, haveCorpus } from './corpus-logs.js';
import { tempDir } from './tmp.js';
import { skipIf } from '../helpers.js';

export type OpenFresh = () => Promise<Store>;

function logFile(dir: string, name: string, data: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

export function storeSuite(label: string, openFresh: OpenFresh, skip: () => string | undefined): void {
  const noCorpus = () => skip() ?? (haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report');

  test(
    `${label}: real consoles become one bug per syzkaller title; ingesting again adds nothing`,
    {
      skip: skipIf(noCorpus()),
    },
    async () => {
      const cases = corpusCases(40);
      assert.ok(cases.length >= 20, `only ${cases.length} usable corpus cases`);
      const store = await openFresh();
      try {
        const dir = tempDir();
        let crashes = 0;
        for (const c of cases) crashes += (await store.ingest(logFile(dir, c.name, c.log), { kernel: 'k1' })).crashes;
        assert.equal(crashes, cases.length);
        const again = await store.ingest(logFile(dir, cases[0].name, cases[0].log), { kernel: 'k1' });
        assert.equal(again.already, true);
        assert.equal(again.crashes, 0);
        const { bugs, total } = await store.listBugs({ limit: 500 });
        // Ground truth: a case joins an earlier bug when its title or an alternative title names it.
        const want = new Set<string>();
        const known = new Set<string>();
        for (const c of cases) {
          const names = [c.want.title, ...c.want.altTitles];
          if (!names.some((t) => known.has(t))) want.add(c.want.title);
          names.forEach((t) => known.add(t));
        }
        assert.deepEqual(new Set(bugs.map((b) => b.title)), want);
        assert.equal(total, want.size);
        assert.equal(
          bugs.reduce((s, b) => s + b.crashes, 0),
          cases.length,
        );
        for (const b of bugs) assert.deepEqual(b.kernels, ['k1']);
      } finally {
        await store.close();
      }
    },
  );

  test(
    `${label}: a fixed bug's title seen again opens "TITLE (2)"; corrupted reports never name a bug`,
    {
      skip: skipIf(noCorpus()),
    },
    async () => {
      const [clean] = corpusCases(1);
      const corrupted = corpusCases(2, 'corrupted');
      assert.ok(corrupted.length === 2, 'the corpus has corrupted cases the report stage agrees with');
      const store = await openFresh();
      try {
        const dir = tempDir();
        // A corrupted report with no bug of its title: stored, attached to nothing.
        const cr = await store.ingest(logFile(dir, 'corrupted.log', corrupted[0].log));
        assert.equal(cr.crashes, 1);
        assert.equal((await store.listBugs()).total, 0);
        await store.ingest(logFile(dir, 'a.log', clean.log), { kernel: 'k1' });
        const [bug] = (await store.listBugs()).bugs;
        assert.equal(bug.title, clean.want.title);
        // The same title once more (another run): same bug.
        await store.ingest(logFile(dir, 'b.log', Buffer.concat([clean.log, Buffer.from('\n')])), { kernel: 'k2' });
        assert.equal((await store.listBugs()).bugs[0].crashes, 2);
        assert.ok(await store.setBugStatus(bug.id, 'fixed', ['0123456789ab']));
        await store.ingest(logFile(dir, 'c.log', Buffer.concat([clean.log, Buffer.from('\n\n')])), { kernel: 'k2' });
        const after = (await store.listBugs({ limit: 10 })).bugs;
        assert.deepEqual(after.map((b) => b.title).sort(), [clean.want.title, `${clean.want.title} (2)`].sort());
        const second = after.find((b) => b.title.endsWith(' (2)'))!;
        assert.equal(second.crashes, 1);
        assert.deepEqual(
          (await store.listBugs({ status: 'fixed' })).bugs.map((b) => b.id),
          [bug.id],
        );
        // Search finds the fixed bug and its successor.
        assert.equal((await store.listBugs({ q: clean.want.title })).total, 2);
        // A corrupted report whose title names an open bug joins it but renames nothing.
        const rep = reportToJson(parseLog(corrupted[1].log)[0]);
        const doc = { reports: [{ ...rep, title: clean.want.title, altTitles: [] }] };
        await store.ingest(logFile(dir, 'corrupt-named.json', JSON.stringify(doc)), { kernel: 'k2' });
        const d = await store.getBug(second.id);
        assert.equal(d!.crashes, 2);
        assert.equal(d!.crashList.filter((c) => c.corrupted).length, 1);
        assert.equal((await store.listBugs()).total, 2);
      } finally {
        await store.close();
      }
    },
  );

  test(`${label}: alternative titles merge into one bug`, { skip: skipIf(noCorpus()) }, async () => {
    const withAlt = corpusCases(400).find((c) => c.want.altTitles.length > 0)!;
    assert.ok(withAlt, 'a corpus case with ALT titles');
    const rep = reportToJson(parseLog(withAlt.log)[0]);
    const store = await openFresh();
    try {
      const dir = tempDir();
      await store.ingest(logFile(dir, 'one.log', withAlt.log), { kernel: 'k1' });
      // Another crash titled by one of the first one's alternative titles.
      const other = { ...rep, title: withAlt.want.altTitles[0], altTitles: [] };
      await store.ingest(logFile(dir, 'two.json', JSON.stringify({ reports: [other] })), { kernel: 'k1' });
      const { bugs } = await store.listBugs();
      assert.equal(bugs.length, 1);
      assert.equal(bugs[0].title, withAlt.want.title);
      assert.equal(bugs[0].crashes, 2);
      const found = await store.listBugs({ q: withAlt.want.altTitles[0].slice(0, 20).toUpperCase() });
      assert.deepEqual(
        found.bugs.map((b) => b.id),
        [bugs[0].id],
      );
    } finally {
      await store.close();
    }
  });

  test(
    `${label}: artifacts are stored once by sha256; search, kernel filter and paging`,
    {
      skip: skipIf(noCorpus()),
    },
    async () => {
      const cases = corpusCases(12);
      const store = await openFresh();
      try {
        const dir = tempDir();
        const p = logFile(dir, 'same.log', cases[0].log);
        await store.ingest(p, { kernel: 'kA' });
        // The same bytes under another name: the same input, already stored.
        assert.equal((await store.ingest(logFile(dir, 'copy.log', cases[0].log), { kernel: 'kA' })).already, true);
        const rerun = Buffer.concat([cases[0].log, Buffer.from('\n')]);
        await store.ingest(logFile(dir, 'rerun.log', rerun), { kernel: 'kB' });
        for (const c of cases.slice(1)) await store.ingest(logFile(dir, c.name, c.log), { kernel: 'kB' });
        const { bugs } = await store.listBugs({ kernel: 'kA' });
        assert.deepEqual(
          bugs.map((b) => b.title),
          [cases[0].want.title],
        );
        assert.deepEqual(bugs[0].kernels, ['kA', 'kB']);
        const d = (await store.getBug(bugs[0].id))!;
        assert.equal(d.crashList.length, 2);
        const [kB, kA] = d.crashList;
        assert.ok(Buffer.from((await store.getArtifact(kA.consoleSha!))!.content).equals(cases[0].log));
        assert.ok(Buffer.from((await store.getArtifact(kB.consoleSha!))!.content).equals(rerun));
        // Each console once, and the two identical reports once.
        const consoles = await store.conn.db
          .selectFrom('artifacts')
          .select('sha256')
          .where('kind', '=', 'console')
          .execute();
        assert.equal(consoles.length, cases.length + 1);
        assert.equal(kA.reportSha, kB.reportSha);
        const all = await store.listBugs({ limit: 500 });
        const page1 = await store.listBugs({ limit: 3 });
        const page2 = await store.listBugs({ limit: 3, offset: 3 });
        assert.deepEqual(
          [...page1.bugs, ...page2.bugs].map((b) => b.id),
          all.bugs.slice(0, 6).map((b) => b.id),
        );
        // `%` is text, not a wildcard.
        assert.equal((await store.listBugs({ q: '%' })).total, all.bugs.filter((b) => b.title.includes('%')).length);
        const word = cases[3].want.title.split(' ').pop()!;
        const hits = await store.listBugs({ q: word });
        assert.ok(hits.bugs.every((b) => b.title.toLowerCase().includes(word.toLowerCase()) || b.id));
        assert.ok(hits.bugs.some((b) => b.title === cases[3].want.title));
        const cmp = await store.compareKernels('kA', 'kB');
        assert.equal(cmp.stillOpen.length, 1);
        assert.equal(cmp.goneInB.length, 0);
        assert.equal(cmp.newInB.length, all.total - 1);
      } finally {
        await store.close();
      }
    },
  );

  test(
    `${label}: search is a case-insensitive substring of any of a bug's titles, index or scan alike`,
    { skip: skipIf(noCorpus()) },
    async () => {
      const cases = corpusCases(60);
      const store = await openFresh();
      try {
        const dir = tempDir();
        for (const c of cases) await store.ingest(logFile(dir, c.name, c.log), { kernel: 'k1' });
        // One bug fixed and seen again, so a title names a newer bug than the one it is the title of.
        const [first] = (await store.listBugs({ q: cases[0].want.title })).bugs;
        await store.setBugStatus(first.id, 'fixed');
        await store.ingest(logFile(dir, 'again.log', Buffer.concat([cases[0].log, Buffer.from('\n')])), {
          kernel: 'k2',
        });
        // Ground truth from the stored bugs themselves: each bug's own title and its other titles.
        const all = (await store.listBugs({ limit: 500 })).bugs;
        const titles = new Map<number, string[]>();
        for (const b of all) titles.set(b.id, [b.title, ...(await store.getBug(b.id))!.altTitles]);
        const words = [...new Set(all.flatMap((b) => b.title.split(/\s+/)))];
        const queries = [
          ...words.filter((w) => w.length >= 3).slice(0, 25),
          ...words.map((w) => w.slice(0, 2)).slice(0, 5), // shorter than a trigram: the scan
          cases[0].want.title.toUpperCase(),
          cases[1].want.title.slice(3, 20).toLowerCase(),
          'in ',
          '"quoted"',
          '%',
          'no such text anywhere',
        ];
        for (const q of queries) {
          const want = all
            .filter((b) => titles.get(b.id)!.some((t) => t.toLowerCase().includes(q.toLowerCase())))
            .map((b) => b.id);
          const got = await store.listBugs({ q, limit: 500 });
          assert.deepEqual(
            got.bugs.map((b) => b.id),
            want,
            `search ${JSON.stringify(q)}`,
          );
          assert.equal(got.total, want.length);
        }
        assert.ok(
          queries.some((q) => all.filter((b) => titles.get(b.id)!.some((t) => t.includes(q))).length > 1),
          'some query matches several bugs',
        );
      } finally {
        await store.close();
      }
    },
  );

  test(
    `${label}: one crash ingested as a run record and as its console counts once, in either order`,
    { skip: skipIf(noCorpus()) },
    async () => {
      const [c] = corpusCases(1);
      for (const order of [
        ['run', 'console'],
        ['console', 'run'],
      ]) {
        const store = await openFresh();
        try {
          const dir = tempDir();
          const consolePath = logFile(dir, 'console.log', c.log);
          // What `kdk run --json` prints for this console: its reports, its path and its sha256.
          const run = {
            kernel: 'k1',
            accelerator: 'tcg',
            booted: true,
            verdict: 'crash',
            crashes: parseLog(c.log).map(reportToJson),
            consoleLog: consolePath,
            consoleSha256: createHash('sha256').update(c.log).digest('hex'),
          };
          const runPath = logFile(dir, 'run.json', JSON.stringify(run));
          const got = [];
          for (const kind of order) got.push(await store.ingest(kind === 'run' ? runPath : consolePath));
          assert.deepEqual(
            got.map((r) => r.crashes),
            [1, 0],
            order.join(' then '),
          );
          const { bugs } = await store.listBugs();
          assert.deepEqual(
            bugs.map((b) => [b.title, b.crashes]),
            [[c.want.title, 1]],
          );
          // The one crash row links both: its run and its console.
          const [crash] = (await store.getBug(bugs[0].id))!.crashList;
          assert.notEqual(crash.runId, null);
          assert.ok(Buffer.from((await store.getArtifact(crash.consoleSha!))!.content).equals(c.log));
        } finally {
          await store.close();
        }
      }
    },
  );
}
