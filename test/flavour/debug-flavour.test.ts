import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDebugFlavour } from '../../src/flavour/debug-flavour.js';
import { evaluateConfigC } from '../../src/flavour/evaluate.js';
import { debianSourceTree } from '../../src/distro/index.js';

test("the syzbot flavour's .config is a fixed point of the kernel's own C conf (engine and C tool agree)", async () => {
  const r = await makeDebugFlavour({ distro: 'debian', arch: 'amd64', profiles: ['syzbot'] });
  const c = await evaluateConfigC(debianSourceTree().dir, 'amd64', r.text);
  assert.equal(c.text, r.text);
  assert.equal(r.requested.total, r.requested.stuck + r.requested.notStuck.length);
  // Every knock-on change is explained or is a new symbol the profile made visible.
  for (const k of r.baseChanges.knockOn) assert.notEqual(k.symbol, '');
});
