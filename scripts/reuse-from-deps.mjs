#!/usr/bin/env node
// Which objects of a finished out-of-tree kernel build would have to be recompiled after moving to another
// source version: an object is reusable only if none of the files it was built from (its kbuild .cmd
// `deps_` list: the source and every header it included) differs between the two trees. Used for the
// cross-version rebuild figures in docs/flavour.md; the measured ccache hit rate is the check on it.
// usage: node scripts/reuse-from-deps.mjs BUILD_DIR OLD_TREE NEW_TREE [--dir mm/]
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const [build, oldTree, newTree, ...rest] = process.argv.slice(2);
if (!build || !oldTree || !newTree) {
  process.stderr.write('usage: reuse-from-deps.mjs BUILD_DIR OLD_TREE NEW_TREE [--dir SUBDIR/]\n');
  process.exit(2);
}
const only = rest[0] === '--dir' ? rest[1] : '';

function* cmdFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* cmdFiles(p);
    else if (e.name.endsWith('.o.cmd')) yield p;
  }
}

// Files that differ (or exist in only one tree), relative to the tree root.
const diff = spawnSync('diff', ['-rq', oldTree, newTree], { encoding: 'utf8', maxBuffer: 1 << 28 });
const changed = new Set();
for (const line of diff.stdout.split('\n')) {
  let m = /^Files (\S+) and \S+ differ$/.exec(line);
  if (m) changed.add(relative(oldTree, m[1]));
  m = /^Only in (\S+?):? (\S+)$/.exec(line);
  if (m) {
    const root = m[1].startsWith(oldTree) ? oldTree : newTree;
    changed.add(relative(root, join(m[1].replace(/:$/, ''), m[2])));
  }
}

let objects = 0;
let reusable = 0;
const blame = new Map();
for (const f of cmdFiles(join(build, only))) {
  const text = readFileSync(f, 'utf8');
  const deps = /^deps_\S+ := \\\n([\s\S]*?)\n\n/m.exec(text);
  if (!deps) continue; // linked objects (built-in.a, vmlinux.o) have no source deps
  objects++;
  const files = deps[1]
    .split('\n')
    .map((l) => l.trim().replace(/\s*\\$/, ''))
    .filter((l) => l && !l.startsWith('$(wildcard'));
  const hit = files
    .map((p) =>
      p.startsWith(newTree + '/') ? relative(newTree, p) : p.startsWith(oldTree + '/') ? relative(oldTree, p) : null,
    )
    .find((rel) => rel !== null && !rel.startsWith('..') && changed.has(rel));
  if (hit === undefined) reusable++;
  else blame.set(hit, (blame.get(hit) ?? 0) + 1);
}
const top = [...blame].sort((a, b) => b[1] - a[1]).slice(0, 8);
process.stdout.write(
  JSON.stringify(
    { changedFiles: changed.size, objects, reusable, rate: objects ? reusable / objects : 0, firstChangedDep: top },
    null,
    2,
  ) + '\n',
);
