// `kdk triage ...`: the bug list in the terminal, upstream bugs (syzbot's JSON, CVE records quoting a crash
// title), fix verdicts per kernel decided by commit, and closing bugs.
import type { Command } from 'commander';
import { addCommonOptions, oldSpelling, printJson, say, setExitCode } from './common.js';
import { DB_HELP, withStore, type DbOptions } from './store.js';
import { inputError } from '../util/errors.js';

const triageStage = () => import('../triage/index.js');

function registerBugs(t: Command): void {
  addCommonOptions(
    oldSpelling(t.command('bugs'), '--kernel <v>', 'kernelVersion', '--kernel-version')
      .option('--db <file|url>', DB_HELP)
      .option('--search <text>', 'only bugs whose title contains this')
      .option('--status <s>', 'open, fixed or invalid')
      .option('--kernel-version <v>', 'only bugs seen on this kernel (its version, as named in the store)')
      .option('--limit <n>', 'at most this many', '100')
      .description('the bugs in the store, newest first, with upstream bug, fix commit and fix verdicts')
      .addHelpText('after', '\nExample:\n  kdk triage bugs --db kdk.db --search KASAN --json'),
  ).action(async (opts: DbOptions & { search?: string; status?: string; kernelVersion?: string; limit: string }) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1) throw inputError(`--limit ${opts.limit}: expected a positive integer`);
    await withStore(opts, async (store) => {
      const r = await store.listBugs({ q: opts.search, status: opts.status, kernel: opts.kernelVersion, limit });
      if (opts.json) return printJson(r);
      for (const b of r.bugs) {
        const up = b.upstream.map((u) => `${u.source}:${u.status}`).join(',');
        const v = Object.entries(b.fixVerdict)
          .map(([k, x]) => `${k}=${x}`)
          .join(' ');
        say(opts, `#${b.id}\t${b.crashes}\t${b.status}\t${b.title}${up ? `\t[${up}]` : ''}${v ? `\t${v}` : ''}`);
      }
      say(opts, `${r.bugs.length} of ${r.total} bugs`);
    });
  });
}

function registerImports(t: Command): void {
  addCommonOptions(
    t
      .command('import-syzbot')
      .argument('<file>', "syzbot's public JSON: a bug list (?json=1) or a bug page")
      .option('--db <file|url>', DB_HELP)
      .option('--status <s>', 'open or fixed for every bug of the file (default: fixed when fix commits are listed)')
      .description('import upstream bugs from syzbot; distro bugs match them by normalised title')
      .addHelpText(
        'after',
        '\nExample (a list saved from https://syzkaller.appspot.com/upstream/fixed?json=1; examples/ has a sample):\n' +
          '  kdk triage import-syzbot examples/syzbot-fixed.json --status fixed --db kdk.db',
      ),
  ).action(async (file: string, opts: DbOptions & { status?: string }) => {
    if (opts.status && !['open', 'fixed'].includes(opts.status))
      throw inputError(`--status ${opts.status}: open or fixed`);
    const { readSyzbotFile } = await triageStage();
    const bugs = readSyzbotFile(file, opts.status as 'open' | 'fixed' | undefined);
    await withStore(opts, async (store) => {
      const n = await store.importUpstream(bugs);
      if (opts.json) printJson({ imported: n });
      else say(opts, `kdk: ${n} syzbot bugs imported into ${store.where}`);
    });
  });
  addCommonOptions(
    t
      .command('import-cves')
      .option('--db <file|url>', DB_HELP)
      .option('--vulns <dir>', 'a checkout of the kernel CVE team vulns repository')
      .option('--tarball <file>', 'a published.tar.xz snapshot of cve/published')
      .description('import the CVE records that quote a crash title as upstream bugs (the second source)')
      .addHelpText('after', '\nExample:\n  kdk triage import-cves --db kdk.db   # uses the index of kdk gap update'),
  ).action(async (opts: DbOptions & { vulns?: string; tarball?: string }) => {
    const { cveUpstreams } = await triageStage();
    const { openIndex } = await import('../gap/index.js');
    const { index } = await openIndex({ vulns: opts.vulns, tarball: opts.tarball });
    const bugs = cveUpstreams(index);
    await withStore(opts, async (store) => {
      const n = await store.importUpstream(bugs);
      if (opts.json) printJson({ imported: n });
      else say(opts, `kdk: ${n} CVE crash quotes imported into ${store.where}`);
    });
  });
}

function registerVerdicts(t: Command): void {
  addCommonOptions(
    oldSpelling(t.command('verdicts'), '--kernel <v>', 'kernelVersion', '--kernel-version')
      .requiredOption('--kernel-version <v>', 'the kernel (its version, as named in the store)')
      .requiredOption('--repo <dir>', "the kernel's git repository")
      .requiredOption('--branch <ref>', "the kernel's branch (or commit)")
      .option('--db <file|url>', DB_HELP)
      .description(
        'for each bug seen on the kernel with upstream fixes: fix-present, -as-backport, fix-missing, unknown',
      )
      .addHelpText(
        'after',
        '\nDecided by commit: the fix in the branch, a backport naming it, or the same patch-id.\nExit 1 when a fix is missing.\n' +
          '\nExample:\n  kdk triage verdicts --db kdk.db --kernel-version 6.1.150 --repo ~/linux --branch debian/6.1',
      ),
  ).action(async (opts: DbOptions & { kernelVersion: string; repo: string; branch: string }) => {
    const { fixVerdict } = await triageStage();
    await withStore(opts, async (store) => {
      await store.setKernelTree(opts.kernelVersion, opts.repo);
      const { bugs } = await store.listBugs({ kernel: opts.kernelVersion, limit: 500 });
      const out = [];
      for (const b of bugs) {
        const commits = [
          ...b.upstream.flatMap((u) => u.fixCommits.map((c) => c.hash ?? '')),
          ...((await store.getBug(b.id))?.fixCommits ?? []),
        ].filter(Boolean);
        if (commits.length === 0) continue;
        const v = await fixVerdict(opts.repo, opts.branch, commits);
        await store.setVerdict(b.id, opts.kernelVersion, v.verdict, v.evidence);
        out.push({ bug: b.id, title: b.title, ...v });
        if (!opts.json) say(opts, `#${b.id} ${b.title}: ${v.verdict} (${v.evidence})`);
        if (v.verdict === 'fix-missing') setExitCode(1);
      }
      if (opts.json) printJson({ kernel: opts.kernelVersion, verdicts: out });
    });
  });
}

function registerMark(t: Command): void {
  addCommonOptions(
    t
      .command('mark')
      .argument('<bug>', 'bug id')
      .requiredOption('--status <s>', 'open, fixed or invalid')
      .option('--fix <commits...>', 'the fixing commit(s)')
      .option('--db <file|url>', DB_HELP)
      .description("close or reopen a bug; a fixed bug's title seen again opens TITLE (2)")
      .addHelpText(
        'after',
        '\nExample (bug 1: the first of kdk triage bugs, the #N column):\n' +
          '  kdk triage mark 1 --status fixed --fix 0123456789ab --db kdk.db',
      ),
  ).action(async (id: string, opts: DbOptions & { status: string; fix?: string[] }) => {
    if (!/^\d+$/.test(id)) throw inputError(`${id}: expected a bug id`);
    if (!['open', 'fixed', 'invalid'].includes(opts.status))
      throw inputError(`--status ${opts.status}: open, fixed or invalid`);
    await withStore(opts, async (store) => {
      const ok = await store.setBugStatus(Number(id), opts.status as 'open', opts.fix);
      if (!ok) throw inputError(`no bug #${id} in ${store.where}`);
      say(opts, `#${id}: ${opts.status}`);
    });
  });
}

export function registerTriage(program: Command): void {
  const t = program.command('triage').description('crash triage: bugs, upstream bugs, fix verdicts per kernel');
  registerBugs(t);
  registerImports(t);
  registerVerdicts(t);
  registerMark(t);
}
