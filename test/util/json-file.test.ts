// parseJsonSyntax is the one place a JSON syntax error becomes a message: file, line and column named,
// V8's quote of the input escaped (raw control bytes must not reach a terminal) and cut short. The
// syzbot reader of `kdk triage` goes through it too (it quoted V8's message raw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonSyntax } from '../../src/util/json-file.js';
import { readSyzbotFile } from '../../src/triage/index.js';
import { KdkError } from '../../src/util/errors.js';

// A document broken on its second line by a raw ESC sequence and a BEL where a value should be.
const BROKEN = '{\n  "a": \u001b[31m\u0007x"\n}\n';

function caught(f: () => unknown): KdkError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof KdkError, String(e));
    return e;
  }
  assert.fail('no error');
}

function assertClean(e: KdkError, file: string): void {
  assert.equal(e.file, file);
  assert.equal(e.line, 2);
  assert.match(e.message, /\(column 8\)/);
  assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f]/, 'raw control bytes in the message');
  assert.ok(e.message.length < 240, e.message);
}

test('parseJsonSyntax names file, line and column and escapes the quoted input', () => {
  assertClean(
    caught(() => parseJsonSyntax(BROKEN, 'x.json')),
    'x.json',
  );
});

test('the syzbot file reader escapes V8 message too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-jsonfile-'));
  try {
    const file = join(dir, 'bugs.json');
    writeFileSync(file, BROKEN);
    assertClean(
      caught(() => readSyzbotFile(file)),
      file,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
