#!/usr/bin/env node
// Every hostile input of issue 17, each built here in a scratch directory and fed to the built kdk (bin/kdk.js,
// or dist/ for the steps without a command of their own) in a child process: wall time, peak RSS and outcome,
// as a Markdown table for docs/security.md. Peak RSS comes from GNU time (Debian package `time`) and then
// covers the compiler and git kdk starts; without it, only the kdk process's own peak (the column says so).
//
//   npm run build && node scripts/hostile-inputs.mjs [--only SUBSTRING]
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const kdk = join(root, 'bin', 'kdk.js');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const work = mkdtempSync(join(tmpdir(), 'kdk-hostile-'));
const cache = join(work, 'cache');
const SECRET = 'HOST-SECRET-5e1f';
const secret = join(work, 'secret.txt');
writeFileSync(secret, `${SECRET} = 1;\n`);
const gnuTime = existsSync('/usr/bin/time');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const sh = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const sha = (c) => c.repeat(40);

/** Run node with `args` under GNU time (or a hook that reports the process's own peak). */
function measure(args, input) {
  const rssFile = join(work, 'rss');
  rmSync(rssFile, { force: true });
  const hook = `import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)))`;
  const node = [process.execPath, `--import=data:text/javascript,${encodeURIComponent(hook)}`, ...args];
  const [cmd, ...argv] = gnuTime ? ['/usr/bin/time', '-f', 'KDK-TIME %e %M', ...node] : node;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    input,
    timeout: 300_000,
    maxBuffer: 1 << 30,
    env: { ...process.env, KDK_CACHE: cache },
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /KDK-TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  const own = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
  const stderr = (r.stderr ?? '')
    .replace(/.*KDK-TIME .*\s*$/, '')
    .replace(/Command exited with non-zero status \d+\n/, '');
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr, wall, peakKb: m ? Number(m[2]) : own };
}

/** The line of stderr that says what went wrong (an error line when there is one), scratch paths shortened. */
const firstLine = (s) => {
  const lines = s.split('\n').filter((l) => l.trim());
  const l = lines.find((x) => /error|Error|refused|not a|Kconfig:\d/.test(x)) ?? lines[0] ?? '';
  return l
    .replace(/^kdk: error: /, '')
    .replaceAll(work, '$TMP')
    .slice(0, 120);
};
const lib = (code) => ['--input-type=module', '-e', code];

/** Each case: a name, the argv (after node) it runs, and a check turning the result into [ok, outcome]. */
const cases = [];
const add = (name, make) => cases.push({ name, make });

// 1. The cubic title rule: one and ten 4,000-character lines built from its own literals.
for (const n of [1, 10]) {
  add(`console: ${n} line${n > 1 ? 's' : ''} of 4,000 chars against \`WARNING: .*mm/.*\\.c.* k?.?malloc\``, () => {
    const line = 'WARNING: ' + 'mm/.c k'.repeat(570);
    const f = join(work, `cubic-${n}.log`);
    writeFileSync(f, `${line}\n`.repeat(n));
    return {
      args: [kdk, 'report', 'parse', '--json', f],
      check: (r) => [
        r.status !== null && r.wall < 10,
        `exit ${r.status}, ${JSON.parse(r.stdout).reports.length} reports`,
      ],
    };
  });
}

// 2. A git repository that runs commands through its own .git/config, and refs that look like options.
function evilRepo() {
  const dir = join(work, 'repo');
  if (existsSync(dir)) return dir;
  mkdirSync(dir);
  const git = (...a) => sh('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', ...a], dir);
  git('init', '-q', '-b', 'master');
  const commit = (file, text, msg) => {
    writeFileSync(join(dir, file), text + '\n');
    git('add', file);
    git('commit', '-q', '-m', msg);
    return git('rev-parse', 'HEAD');
  };
  commit('init.c', 'int i;', 'init');
  const bug = commit('a.c', 'int a = 1;', 'a: add');
  git('tag', 'v1');
  commit('a.c', 'int a = 2;', `a: fix \x1b]0;owned\x07\x1b[2J| overflow\n\nFixes: ${bug.slice(0, 12)} ("a: add")`);
  git('checkout', '-q', '-b', 'distro', 'v1');
  const script = join(dir, '.git', 'evil.sh');
  writeFileSync(script, `#!/bin/sh\necho "ran $*" >> '${join(work, 'git-MARKER')}'\ncat\n`);
  chmodSync(script, 0o755);
  for (const [k, v] of [
    ['core.fsmonitor', script],
    ['log.showSignature', 'true'],
    ['gpg.program', script],
    ['diff.external', script],
    ['diff.evil.textconv', script],
    ['filter.evil.clean', script],
    ['core.pager', script],
  ])
    git('config', k, v);
  writeFileSync(join(dir, '.git', 'info', 'attributes'), '* diff=evil filter=evil\n');
  rmSync(join(work, 'git-MARKER'), { force: true });
  return dir;
}
add('git: repository whose .git/config names fsmonitor, gpg.program, diff.external, textconv, filters', () => ({
  args: [kdk, 'gap', 'git', '--repo', evilRepo(), '--branch', 'distro', '--upstream', 'master'],
  check: (r) => {
    const ran = existsSync(join(work, 'git-MARKER'));
    const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(r.stdout + r.stderr);
    return [
      !ran && !raw && r.status === 1,
      `exit ${r.status}; ${ran ? 'A COMMAND RAN' : 'nothing ran'}; subject escapes ${raw ? 'RAW' : 'inert'}`,
    ];
  },
}));
add('git: `--upstream=--output=FILE` (a ref that is an option)', () => {
  const victim = join(work, 'victim.txt');
  writeFileSync(victim, 'keep\n');
  return {
    args: [kdk, 'gap', 'git', '--repo', evilRepo(), '--branch', 'distro', `--upstream=--output=${victim}`],
    check: (r) => {
      const kept = readFileSync(victim, 'utf8') === 'keep\n';
      return [
        r.status === 2 && kept,
        `exit ${r.status}, file ${kept ? 'intact' : 'TRUNCATED'}: ${firstLine(r.stderr)}`,
      ];
    },
  };
});

// 3. A CVE tree whose records are symlinks to a host file, a fifo, and a year directory linked out of the tree.
add('CVE tree: symlinked .dyad/.json/.sha1, a fifo record, a year dir linked outside', () => {
  const y = join(work, 'vulns', 'cve', 'published', '2024');
  mkdirSync(y, { recursive: true });
  writeFileSync(join(y, 'CVE-2024-0001.dyad'), `6.1:${sha('c')}:6.1.9:${sha('d')}\n`);
  symlinkSync(secret, join(y, 'CVE-2024-0002.dyad'));
  writeFileSync(join(y, 'CVE-2024-0003.dyad'), `6.1:${sha('c')}:6.1.9:${sha('d')}\n`);
  symlinkSync(secret, join(y, 'CVE-2024-0003.json'));
  symlinkSync(secret, join(y, 'CVE-2024-0003.sha1'));
  sh('mkfifo', [join(y, 'CVE-2024-0004.dyad')]);
  writeFileSync(join(y, 'CVE-2024-0005.dyad'), `\x1b[2J${'x'.repeat(5000)}\n`);
  symlinkSync(work, join(work, 'vulns', 'cve', 'published', '2023'));
  return {
    args: [kdk, 'gap', 'cves', '--vulns', join(work, 'vulns'), '--kernel', '6.1.5', '--json'],
    check: (r) => {
      const leaked = (r.stdout + r.stderr).includes(SECRET);
      const n = r.status === 1 ? JSON.parse(r.stdout).problems.length : 0;
      return [
        r.status === 1 && !leaked,
        `exit ${r.status}, ${n} problems named, secret ${leaked ? 'LEAKED' : 'never shown'}`,
      ];
    },
  };
});

// 4. The reproducer's compile (the sandboxed gcc).
const compile = (name, text, opts = {}) => {
  const f = join(work, name);
  if (text !== undefined) writeFileSync(f, text);
  return {
    args: lib(
      `import { compileStatic } from ${JSON.stringify(dist('image/index.js'))};` +
        `try { await compileStatic(${JSON.stringify(f)}, () => {}, ${JSON.stringify(opts)}); console.log('COMPILED'); }` +
        `catch (e) { console.error(e.format ? e.format() : e.stack); process.exitCode = e.exitCode ?? 70; }`,
    ),
    check: (r) => {
      const leaked = (r.stdout + r.stderr).includes(SECRET);
      return [
        r.status === 2 && !leaked,
        `exit ${r.status}, secret ${leaked ? 'LEAKED' : 'not read'}: ${firstLine(r.stderr)}`,
      ];
    },
  };
};
add('repro.c: `#include "/host/secret"`', () =>
  compile('inc.c', `#include "${secret}"\nint main(void) { return 0; }\n`),
);
add('repro.c: `.incbin "/host/secret"`', () =>
  compile(
    'incbin.c',
    `__asm__(".section .rodata\\n.incbin \\"${secret}\\"\\n.previous");\nint main(void) { return 0; }\n`,
  ),
);
add('repro.c: a symlink to a host file', () => {
  symlinkSync(secret, join(work, 'link.c'));
  return compile('link.c', undefined, { noSymlinks: true });
});
add('repro.c: `#include "/dev/zero"`', () => compile('zero.c', '#include "/dev/zero"\nint main(void) { return 0; }\n'));
add('repro.c: preprocessor bomb (16^8 tokens)', () => {
  const l = ['#define A0 x x x x x x x x x x x x x x x x'];
  for (let i = 1; i <= 7; i++) l.push(`#define A${i} ${`A${i - 1} `.repeat(16).trim()}`);
  return compile('bomb.c', [...l, 'int v[] = { A7 };', 'int main(void) { return 0; }', ''].join('\n'));
});

// 5. The smaller ones.
const bundle = (name, bugJson) => {
  const d = join(work, name);
  mkdirSync(d);
  writeFileSync(join(d, 'bug.json'), bugJson);
  writeFileSync(join(d, 'repro.c'), 'int main(void) { return 0; }\n');
  writeFileSync(join(d, '.config'), 'CONFIG_KASAN=y\n');
  return {
    args: lib(
      `import { loadBundle } from ${JSON.stringify(dist('vm/index.js'))};` +
        `try { loadBundle(${JSON.stringify(d)}); console.log('LOADED'); }` +
        `catch (e) { console.error(e.format ? e.format() : e.stack); process.exitCode = e.exitCode ?? 70; }`,
    ),
    check: (r) => [r.status === 2, `exit ${r.status}: ${firstLine(r.stderr.replaceAll(d + '/', ''))}`],
  };
};
add('bug.json: `"timeout": 1e12` (past Node timers\' 24.8 days)', () =>
  bundle('timeout', JSON.stringify({ title: 'x', timeout: 1e12 })),
);
add('bug.json: 100,000 nested `[`', () => bundle('deep', '['.repeat(100_000)));
add('--debian-dir: changelog version `6.12.1/../../../../tmp/x-1`', () => {
  const d = join(work, 'pkg');
  mkdirSync(join(d, 'debian'), { recursive: true });
  writeFileSync(
    join(d, 'debian', 'changelog'),
    'linux (6.12.1/../../../../tmp/x-1) unstable; urgency=medium\n\n  * x\n',
  );
  return {
    args: [kdk, 'flavour', '--release', 'trixie', '--debian-dir', d, '--out', join(d, 'out')],
    check: (r) => [r.status === 2, `exit ${r.status}: ${firstLine(r.stderr.replaceAll(d + '/', ''))}`],
  };
});
add('--image path with commas (`a,b/disk.img,,snapshot=off`)', () => ({
  args: lib(
    `import { qemuOptValue } from ${JSON.stringify(dist('vm/qemu-args.js'))};` +
      `console.log('file=' + qemuOptValue('/tmp/a,b/disk.img,snapshot=off') + ',format=raw');`,
  ),
  check: (r) => [r.stdout.includes(',,snapshot=off'), `one -drive value: ${r.stdout.trim()}`],
}));
add('Kconfig: 100,000 nested `if` blocks', () => {
  const d = join(work, 'nest');
  mkdirSync(d);
  const n = 100_000;
  writeFileSync(
    join(d, 'Kconfig'),
    `config A\n\tbool "a"\n${'if A\n'.repeat(n)}config B\n\tbool "b"\n${'endif\n'.repeat(n)}`,
  );
  writeFileSync(join(d, 'in.config'), 'CONFIG_A=y\n');
  const probes = join(d, 'probes.json');
  writeFileSync(probes, JSON.stringify({ kdkProbes: 1, key: 'h', env: { CC_VERSION_TEXT: 'h' }, results: {} }));
  return {
    args: [
      kdk,
      'config',
      'olddefconfig',
      '--srctree',
      d,
      '--arch',
      'x86_64',
      '--probes',
      probes,
      '--in',
      join(d, 'in.config'),
      '--out',
      join(d, 'out'),
    ],
    check: (r) => [r.status === 2, `exit ${r.status}: ${firstLine(r.stderr.replaceAll(d + '/', ''))}`],
  };
});
function bigConfigs() {
  const a = join(work, 'a.config');
  const b = join(work, 'b.config');
  if (!existsSync(a)) {
    const al = [];
    const bl = [];
    for (let i = 0; i < 1_000_000; i++) {
      al.push(`CONFIG_SYM_${i}=y`);
      bl.push(i % 2 ? `CONFIG_SYM_${i}=m` : `# CONFIG_SYM_${i} is not set`);
    }
    writeFileSync(a, al.join('\n') + '\n');
    writeFileSync(b, bl.join('\n') + '\n');
  }
  return [a, b];
}
for (const json of [false, true]) {
  add(`config diff: two 1M-line files, every symbol different${json ? ' (--json)' : ''}`, () => ({
    args: [kdk, 'config', 'diff', ...(json ? ['--json'] : []), ...bigConfigs()],
    check: (r) => {
      const n = json ? JSON.parse(r.stdout).length : r.stdout.split('\n').length - 1;
      return [r.status === 1 && n === 1_000_000, `exit ${r.status}, ${n} differences`];
    },
  }));
}

const rows = [];
let failed = 0;
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const { args, check } = c.make();
  const r = measure(args);
  const [ok, outcome] = check(r);
  if (!ok) failed++;
  const row = `| ${c.name} | ${r.wall.toFixed(2)} | ${Math.round(r.peakKb / 1024)} | ${ok ? '' : '**UNEXPECTED** '}${outcome.replace(/\|/g, '\\|')} |`;
  process.stderr.write(row + '\n');
  rows.push(row);
}
rmSync(work, { recursive: true, force: true });
console.log(`| input | time (s) | peak RSS (MB${gnuTime ? '' : ', kdk process only'}) | outcome |`);
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(r);
process.exitCode = failed ? 1 : 0;
