// kdk's own crash-report cases, as data: each file of test/report/data/report/ is in the format of syzkaller's
// report corpus (header lines with the expected results, an empty line, the console log, optionally `REPORT:` and
// the expected report text), plus `FILE:` for the guilty source file. To add a case, add a file; every field
// it gives must come out exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseLog } from '../../src/report/index.js';
import { projectRoot } from '../helpers.js';
import { caseNames, compareCase, loadReportCase } from './corpus.js';

const DATA = join(projectRoot, 'test', 'report', 'data');

for (const name of caseNames('report', DATA)) {
  test(`report case ${name}`, () => {
    const c = loadReportCase(name, join(DATA, 'report'));
    const { diffs } = compareCase(c, parseLog(c.log)[0]);
    assert.deepEqual(diffs, []);
  });
}
