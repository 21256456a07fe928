// `kdk ingest`, `kdk db export|import`: filling a store with what kdk produced, and moving it between SQLite and
// PostgreSQL. The store stage loads only when one of these runs.
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { addCommonOptions, oldSpelling, printJson, say, type CommonOptions } from './common.js';
import { inputError } from '../util/errors.js';

export const storeStage = () => import('../store/index.js');

export interface DbOptions extends CommonOptions {
  db?: string;
}

export const DB_HELP = 'store: a SQLite file or postgres:// URL (default $KDK_DB, else ~/.local/share/kdk/kdk.db)';

export async function withStore<T>(
  opts: DbOptions,
  fn: (s: import('../store/index.js').Store) => Promise<T>,
): Promise<T> {
  const { openStore } = await storeStage();
  const store = await openStore(opts.db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * `--db` on a command that produced a result (flavour, build, boot, run, repro, gap cves, sweep): record the document
 * it printed, as `kdk ingest` would its --json file, after printing it (a store that cannot be opened never costs the
 * result). The same result recorded twice adds nothing: runs are keyed by their console's sha256, documents by content.
 */
export async function recordResult(opts: DbOptions, doc: unknown, source: string): Promise<void> {
  if (!opts.db) return;
  const r = await withStore(opts, (s) => s.record(doc, source));
  const what = r.already
    ? 'already recorded'
    : r.kind === 'flavour'
      ? `recorded: ${r.flavours} flavour(s)`
      : `recorded: ${r.builds} build(s), ${r.runs} run(s), ${r.crashes} crash(es), ${r.findings} gap finding(s)` +
        (r.kind === 'sweep' ? `, ${r.verdicts} sweep verdict(s)` : '');
  if (!opts.quiet) process.stderr.write(`kdk: ${what} in ${opts.db}\n`);
}

function registerIngest(program: Command): void {
  addCommonOptions(
    oldSpelling(program.command('ingest'), '--kernel <v>', 'kernelVersion', '--kernel-version')
      .argument(
        '<paths...>',
        'console logs, --json outputs of flavour/build/boot/run/repro/report parse/gap cves/sweep, bundle dirs',
      )
      .option('--db <file|url>', DB_HELP)
      .option(
        '--kernel-version <v>',
        'file crashes of consoles and report JSON under this kernel (default: the banner)',
      )
      .description('record existing kdk outputs in the store; ingesting the same thing twice adds nothing')
      .addHelpText(
        'after',
        '\nEach input is one transaction: an interrupted ingest leaves the store as before it.\n\nExample:\n' +
          '  kdk run --kernel fl/build/arch/x86/boot/bzImage --repro examples/bugs/lkdtm-warning/repro.c --json > run.json\n  kdk ingest --db kdk.db run.json examples/console.log examples/bugs/lkdtm-warning',
      ),
  ).action(async (paths: string[], opts: DbOptions & { kernelVersion?: string }) => {
    await withStore(opts, async (store) => {
      const results = [];
      for (const p of paths) {
        const r = await store.ingest(p, { kernel: opts.kernelVersion });
        results.push(r);
        if (!opts.quiet)
          say(
            opts,
            r.already
              ? `${p}: already in the store`
              : r.kind === 'flavour'
                ? `${p}: flavour: ${r.flavours} flavours`
                : `${p}: ${r.kind}: ${r.crashes} crashes, ${r.runs} runs, ${r.builds} builds, ${r.findings} gap findings` +
                  (r.kind === 'sweep' ? `, ${r.verdicts} sweep verdicts` : ''),
          );
      }
      if (opts.json) printJson({ store: store.where, results });
    });
  });
}

function registerDb(program: Command): void {
  const db = program.command('db').description('the store: export and import as JSON lines');
  addCommonOptions(
    db
      .command('export')
      .option('--db <file|url>', DB_HELP)
      .option('-o, --out <file>', 'write here instead of stdout')
      .description('every row of the store as JSON lines (tables in reference order, rows in key order)')
      .addHelpText('after', '\nExample:\n  kdk db export --db kdk.db -o kdk.jsonl'),
  ).action(async (opts: DbOptions & { out?: string }) => {
    await withStore(opts, async (store) => {
      const out = opts.out ? createWriteStream(opts.out) : process.stdout;
      const n = await store.export(out);
      if (opts.out) {
        out.end();
        await finished(out);
      }
      process.stderr.write(`kdk: ${n} rows exported from ${store.where}\n`);
    });
  });
  addCommonOptions(
    db
      .command('import')
      .argument('<file>', "an export ('-': stdin)")
      .option('--db <file|url>', DB_HELP)
      .description('load an export into a new, empty store (one transaction: all or nothing)')
      .addHelpText(
        'after',
        '\nExample (KDK_DB: a new PostgreSQL database, e.g. postgres://kdk@db.example/kdk):\n' +
          '  kdk db export --db kdk.db | kdk db import --db "$KDK_DB" -',
      ),
  ).action(async (file: string, opts: DbOptions) => {
    await withStore(opts, async (store) => {
      const input = file === '-' ? process.stdin : createReadStream(file);
      input.on('error', () => undefined);
      if (file !== '-') {
        const { existsSync } = await import('node:fs');
        if (!existsSync(file)) throw inputError('no such file', file);
      }
      const n = await store.import(input, file === '-' ? '<stdin>' : file);
      if (opts.json) printJson({ store: store.where, rows: n });
      else say(opts, `kdk: ${n} rows imported into ${store.where}`);
    });
  });
}

export function registerStore(program: Command): void {
  registerIngest(program);
  registerDb(program);
}
