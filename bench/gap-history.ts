// A sizeable synthetic kernel-style history for the `gap git` benchmark, made with `git fast-import` in four
// steps (each later step needs the ids the earlier one produced): mainline up to a release tag, mainline after
// it with Fixes: tags, a stable branch of backports naming their upstream commits, a distro branch with its own
// patches and reverts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Spec {
  ref: string;
  from?: string;
  first: number;
  count: number;
  message: (i: number) => string;
  file: (i: number) => string;
  content: (i: number) => string;
}

function importCommits(dir: string, specs: Spec[], marksIn?: string): Map<number, string> {
  const out: string[] = [];
  let t = 1_600_000_000;
  for (const s of specs) {
    for (let i = s.first; i < s.first + s.count; i++) {
      const msg = Buffer.from(s.message(i));
      const body = Buffer.from(s.content(i));
      t += 30;
      out.push(
        `commit ${s.ref}\nmark :${i}\nauthor Dev ${i % 97} <dev${i % 97}@example.org> ${t} +0000\ncommitter Maint <m@example.org> ${t} +0000\n`,
      );
      out.push(`data ${msg.length}\n${msg}\n`);
      if (i === s.first && s.from) out.push(`from ${s.from}\n`);
      out.push(`M 100644 inline ${s.file(i)}\ndata ${body.length}\n${body}\n\n`);
    }
  }
  const marks = join(dir, 'marks');
  execFileSync(
    'git',
    ['-C', dir, 'fast-import', '--quiet', `--export-marks=${marks}`, ...(marksIn ? [`--import-marks=${marksIn}`] : [])],
    {
      input: out.join(''),
      maxBuffer: 1 << 30,
    },
  );
  const map = new Map<number, string>();
  for (const l of readFileSync(marks, 'utf8').split('\n')) {
    const m = /^:(\d+) ([0-9a-f]{40})$/.exec(l);
    if (m) map.set(Number(m[1]), m[2]);
  }
  return map;
}

export interface History {
  dir: string;
  commits: number;
}

/** `n` mainline commits (half before the release tag), backports of 60% of the fixes, a 300-commit distro branch. */
export function makeHistory(n: number): History {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-bench-git-'));
  execFileSync('git', ['init', '-q', '-b', 'master', dir]);
  const half = n / 2;
  const file = (i: number) => `drivers/sub${i % 40}/file${i % 500}.c`;
  const content = (i: number) => `/* rev ${i} */\nint v${i % 500} = ${i};\n`;
  let marks = importCommits(dir, [
    {
      ref: 'refs/heads/master',
      first: 1,
      count: half,
      file,
      content,
      message: (i) => `sub${i % 40}: change ${i}\n\nSigned-off-by: Dev <d@example.org>\n`,
    },
  ]);
  execFileSync('git', ['-C', dir, 'tag', 'v6.1', marks.get(half)!]);
  const isFix = (i: number) => i % 3 === 0;
  const target = (i: number) => marks.get(1 + ((i * 7919) % (half - 1)))!.slice(0, 12);
  marks = importCommits(
    dir,
    [
      {
        ref: 'refs/heads/master',
        first: half + 1,
        count: half,
        file,
        content,
        from: `:${half}`,
        message: (i) =>
          `sub${i % 40}: ${isFix(i) ? 'fix' : 'change'} ${i}\n\n${isFix(i) ? `Fixes: ${target(i)} ("sub: change")\n` : ''}${i % 11 === 0 ? 'Reported-by: syzbot+abc@syzkaller.appspotmail.com\n' : ''}Signed-off-by: Dev <d@example.org>\n`,
      },
    ],
    join(dir, 'marks'),
  );
  const fixes = [...Array(half).keys()].map((k) => half + 1 + k).filter((i) => isFix(i) && i % 5 < 3);
  const base = 3 * n;
  marks = importCommits(
    dir,
    [
      {
        ref: 'refs/heads/linux-6.1.y',
        first: base,
        count: fixes.length,
        file: (i) => file(fixes[i - base]),
        content: (i) => content(fixes[i - base]),
        from: marks.get(half)!,
        message: (i) =>
          `sub: fix ${fixes[i - base]}\n\ncommit ${marks.get(fixes[i - base])} upstream.\n\nFixes: ${target(fixes[i - base])} ("sub: change")\n`,
      },
    ],
    join(dir, 'marks'),
  );
  const stableTip = marks.get(base + fixes.length - 1)!;
  const d0 = 4 * n;
  importCommits(
    dir,
    [
      {
        ref: 'refs/heads/distro',
        first: d0,
        count: 300,
        from: stableTip,
        file: (i) => `debian/own${i % 50}.c`,
        content: (i) => `int own = ${i};\n`,
        message: (i) =>
          i % 15 === 0
            ? `Revert "sub: fix"\n\nThis reverts commit ${marks.get(base + (i % fixes.length))}.\n`
            : `distro: own change ${i}\n`,
      },
    ],
    join(dir, 'marks'),
  );
  return { dir, commits: n + fixes.length + 300 };
}
