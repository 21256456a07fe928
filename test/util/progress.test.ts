// The progress bar as a person sees it on a terminal (a stand-in TTY stream: the test has no terminal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { makeProgress } from '../../src/util/progress.js';

function fakeTty(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  Object.assign(s, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: s, text: () => out };
}

test('a bar with no known total (a first build) counts steps; it never ends at "100% | 0/0"', () => {
  const t = fakeTty();
  const p = makeProgress({ tty: true, stream: t.stream });
  p.start(0, 'make -j2 bzImage');
  for (let i = 1; i <= 30; i++) p.update(i, `CC file${i}.o`);
  p.done('built');
  assert.ok(!/0\/0/.test(t.text()), t.text());
  assert.ok(!/100%/.test(t.text()), t.text());
  assert.match(t.text(), /30 done/);
});

test('a bar with a known total shows the fraction', () => {
  const t = fakeTty();
  const p = makeProgress({ tty: true, stream: t.stream });
  p.start(40, 'make');
  p.update(40, 'LD vmlinux');
  p.done();
  assert.match(t.text(), /100% \| 40\/40/);
});
