// Escaping strangers' text for terminals and Markdown, and the short excerpts quoted into problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLine, escapeMarkdown, escapeTerminal, excerpt } from '../../src/util/text.js';
import { say } from '../../src/cli/common.js';

test('no control or invisible formatting character survives for a terminal', () => {
  const hostile = 'a\x1b]0;title\x07b\x1b[2Jc\x9b31md\u202eevil\u200b\r\x00e';
  const out = escapeTerminal(hostile);
  assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e\u200b]/);
  assert.equal(out, 'a\\x1b]0;title\\x07b\\x1b[2Jc\\x9b31md\\u{202e}evil\\u{200b}\\x0d\\x00e');
  assert.equal(escapeTerminal('line one\n\ttwo'), 'line one\n\ttwo');
  assert.equal(escapeLine('one\ntwo\tx'), 'one\\ntwo\\tx');
  assert.equal(escapeTerminal('KASAN: use-after-free in ext4_fill_super'), 'KASAN: use-after-free in ext4_fill_super');
});

test('Markdown: markup and cell ends escaped, ordinary kernel text readable', () => {
  assert.equal(
    escapeMarkdown('a|b `c` *d* [e](f) <img src=x> _g_'),
    'a\\|b \\`c\\` \\*d\\* \\[e\\](f) \\<img src=x\\> \\_g\\_',
  );
  assert.equal(escapeMarkdown('net/netfilter/nft_set_rbtree.c 6.1.78'), 'net/netfilter/nft_set_rbtree.c 6.1.78');
  assert.equal(escapeMarkdown('x\ny'), 'x\\ny');
});

test('an excerpt is short, quoted and escaped', () => {
  const e = excerpt('\x1b[31m' + 'x'.repeat(500));
  assert.ok(e.length < 60, e);
  assert.equal(e, `"\\x1b[31m${'x'.repeat(35)}..."`);
  assert.equal(excerpt('say "hi"'), '"say \\"hi\\""');
});

test('say() prints a title with escapes made visible', () => {
  const seen: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (seen.push(chunk), true)) as typeof process.stdout.write;
  try {
    say({}, 'different crash: WARNING in foo\x1b[2J\x1b]0;x\x07');
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(seen, ['different crash: WARNING in foo\\x1b[2J\\x1b]0;x\\x07\n']);
});
