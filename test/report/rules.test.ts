// Consistency of the rules data: the fast pre-filter words must cover every header and marker, or a
// crash would be skipped without its rule ever running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HINT_TOKENS, INFO_MESSAGES_WITH_STACK, LINUX_OOPSES, PATTERNS } from '../../src/report/rules.js';
import { SUPPRESSION_HINT, literalPrefix } from '../../src/report/compiled.js';

test('every oops header and report marker contains a hint word', () => {
  const suppressionWords = SUPPRESSION_HINT.source.split('|');
  const markers = [
    ...LINUX_OOPSES.map((o) => o.header),
    ...suppressionWords,
    ...INFO_MESSAGES_WITH_STACK,
    PATTERNS.panicked,
    PATTERNS.consoleHangup,
    'Disabling lock debugging due to kernel taint',
    'Sending NMI from CPU',
  ];
  for (const m of markers)
    assert.ok(
      HINT_TOKENS.some((t) => m.includes(t)),
      `no hint word in ${JSON.stringify(m)}`,
    );
});

test("a title pattern's literal pre-check is a real prefix of what the pattern matches", () => {
  for (const o of LINUX_OOPSES) {
    for (const f of o.formats) {
      const lit = literalPrefix(f.title);
      assert.ok(f.title.replace(/^\^/, '').startsWith(lit), `${f.title} -> ${lit}`);
    }
  }
  assert.equal(literalPrefix('BUG: KASAN: ([a-z]+)'), 'BUG: KASAN: ');
  assert.equal(literalPrefix('WARNING: a*'), 'WARNING: ');
  assert.equal(literalPrefix('(?i)warning'), '');
});
