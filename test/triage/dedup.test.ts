// Triage's placement rules on their own (the store suite runs them on real consoles): title keys, alt titles
// merge, `TITLE (N)` after fixed or invalid, corrupted reports join but never name a bug, suppressed ones none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeCrash, type KnownBug } from '../../src/triage/index.js';

const bug = (id: number, title: string, status: KnownBug['status'], seq = 1, baseTitle = title): KnownBug => ({
  id,
  title,
  baseTitle,
  seq,
  status,
});
const c = (title: string, altTitles: string[] = [], corrupted = false) => ({ title, altTitles, corrupted });

test('placement follows syzbot: key by title, alt titles merge, (N) after a close', () => {
  const T = 'KASAN: use-after-free Read in f';
  assert.deepEqual(placeCrash(c(T), new Map()), { kind: 'new', title: T, baseTitle: T, seq: 1, titles: [T] });
  const open = new Map([[T, bug(1, T, 'open')]]);
  assert.deepEqual(placeCrash(c(T, ['A']), open), { kind: 'attach', bugId: 1, titles: ['A'] });
  // Only an alternative title names the bug: the crash joins it.
  assert.deepEqual(placeCrash(c('B', [T]), open), { kind: 'attach', bugId: 1, titles: ['B'] });
  for (const status of ['fixed', 'invalid'] as const) {
    const closed = new Map([[T, bug(1, T, status)]]);
    assert.deepEqual(placeCrash(c(T), closed), { kind: 'new', title: `${T} (2)`, baseTitle: T, seq: 2, titles: [T] });
  }
  const third = new Map([[T, bug(2, `${T} (2)`, 'fixed', 2, T)]]);
  assert.equal((placeCrash(c(T), third) as { title: string }).title, `${T} (3)`);
  // Corrupted: joins an open bug, renames nothing, never opens one.
  assert.deepEqual(placeCrash(c(T, ['X'], true), open), { kind: 'attach', bugId: 1, titles: [] });
  assert.equal(placeCrash(c(T, [], true), new Map()).kind, 'unattached');
  assert.equal(placeCrash(c(T, [], true), new Map([[T, bug(1, T, 'fixed')]])).kind, 'unattached');
  assert.equal(placeCrash({ ...c(T), suppressed: true }, open).kind, 'unattached');
  assert.equal(placeCrash(c(''), new Map()).kind, 'unattached');
});
