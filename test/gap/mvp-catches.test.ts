// mvpCatches on the real inputs: the shared CVE snapshot and syzkaller's report corpus. The expected figures
// are computed here independently from the raw files (headline prefixes of the corpus logs; the quoted lines of
// the index), not hard-coded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mvpCatches, openIndex } from '../../src/gap/index.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora', 'syzkaller-report', 'report');

test(
  'mvpCatches: every corpus log headed by a sanitizer line counts for that sanitizer',
  { skip: !existsSync(CORPUS) },
  async () => {
    const c = await mvpCatches({ corpus: CORPUS });
    const { index } = await openIndex({});
    assert.equal(c.sources.cves, index.cves.length);
    assert.equal(c.sources.cvesWithCrash, index.cves.filter((x) => x.crashes.length).length);
    assert.equal(c.sources.corpusLogs, readdirSync(CORPUS).length);
    // Independent check: a log whose text carries `BUG: KASAN:` must be owned by KASAN (the report parser may
    // only add, never drop, these).
    let kasanLogs = 0;
    for (const name of readdirSync(CORPUS)) {
      if (!/^BUG: KASAN: /m.test(readFileSync(join(CORPUS, name), 'latin1'))) continue;
      kasanLogs++;
      assert.ok(c.byDetector.KASAN.has(`syz:${name}`), `${name} should count for KASAN`);
    }
    assert.ok(kasanLogs > 0);
    // CVEs quoting a KASAN headline are KASAN's (a GPF merely annotated `KASAN: null-ptr-deref in range` is not).
    const kasanCves = index.cves
      .filter((x) => x.crashes.some((k) => /^\s*(?:BUG: )?KASAN: /.test(k.title)))
      .map((x) => x.id);
    for (const id of kasanCves) assert.ok(c.byDetector.KASAN.has(id), `${id} should count for KASAN`);
    const owned = new Set(Object.values(c.byDetector).flatMap((s) => [...s]));
    assert.equal(owned.size + c.none, c.sources.cvesWithCrash + c.sources.corpusReports);
  },
);
