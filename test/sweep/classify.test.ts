// The sweep's verdicts and their join with fix presence, from cases in data/classify.json: each run is
// [verdict, first crash title, its alternative titles...], against the bundle title "T".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assess, classifyRuns, fixByVersion, releaseVersion, type RunOutcome } from '../../src/sweep/index.js';
import { BugJson } from '../../src/vm/index.js';

interface Case {
  name: string;
  runs: string[][];
  verdict: string;
  hits: number;
  fix: 'present' | 'missing' | 'unknown';
  assessment?: string;
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'classify.json'), 'utf8')) as Case[];

for (const c of cases)
  test(`classify: ${c.name}`, () => {
    const runs: RunOutcome[] = c.runs.map(([verdict, ...titles]) => ({
      verdict: verdict as RunOutcome['verdict'],
      titles: titles.length ? [titles] : [],
    }));
    const got = classifyRuns(runs, 'T');
    assert.equal(got.verdict, c.verdict);
    assert.equal(got.hits, c.hits);
    assert.equal(assess(got.verdict, c.fix), c.assessment);
  });

test('fix presence by version: the branch backport, the mainline release, and what cannot be told', () => {
  const bug = BugJson.parse({ title: 'x', fixedIn: ['6.1.105', '6.11'] });
  assert.equal(fixByVersion(bug, releaseVersion('6.1.104')).state, 'missing');
  assert.equal(fixByVersion(bug, releaseVersion('6.1.105')).state, 'present');
  assert.equal(fixByVersion(bug, releaseVersion('6.11-rc7')).state, 'missing');
  assert.equal(fixByVersion(bug, releaseVersion('6.12')).state, 'present');
  assert.equal(fixByVersion(bug, releaseVersion('6.6.30')).state, 'missing'); // no 6.6 backport listed
  assert.equal(releaseVersion('6.1.0-28-amd64'), undefined); // Debian's ABI name says no sublevel
  assert.equal(fixByVersion(bug, undefined).state, 'unknown');
});
