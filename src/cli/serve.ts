// `kdk serve`: the dashboard and JSON API over a store, until Ctrl-C.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, say, type CommonOptions } from './common.js';
import { DB_HELP, storeStage } from './store.js';
import { inputError } from '../util/errors.js';
import { makeDirs } from '../util/atomic.js';
import { resolve } from 'node:path';

interface ServeFlags extends CommonOptions {
  db?: string;
  port: string;
  host: string;
  tokenFile?: string;
  cache: boolean;
  artifacts?: string;
  maxArtifact: string;
}

/** The write token from its file (kdk serve, and the queue's clients of it): at least 16 characters. */
export function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw inputError(`cannot read the token: ${(e as Error).message}`, file);
  }
  if (token.length < 16) throw inputError('token shorter than 16 characters', file);
  return token;
}

export function registerServe(program: Command): void {
  addCommonOptions(
    program
      .command('serve')
      .option('--db <file|url>', DB_HELP)
      .option('--port <n>', 'port (0: a free one, printed)', '8080')
      .option('--host <addr>', 'address to listen on', '127.0.0.1')
      .option('--no-cache', 'answer every request from the store (no response cache)')
      .option('--token-file <file>', 'file holding the Bearer token that writes (POST) need; none: read-only')
      .option('--artifacts <dir>', "keep artifacts uploaded to PUT /api/artifacts/<sha256> here (the queue's store)")
      .option('--max-artifact <MiB>', 'largest artifact upload', '2048')
      .description('serve the dashboard (bug list, bug pages, builds, gap, kernel A vs B) and the JSON API')
      .addHelpText(
        'after',
        '\nExample:\n  kdk serve --db kdk.db --port 8347\n  curl http://127.0.0.1:8347/api/bugs?q=KASAN\n' +
          "\nFor a team (docs/queue.md): the store's postgres:// URL as --db, --host 0.0.0.0, --token-file for writes\n" +
          "and --artifacts DIR to be the workers' artifact store (kdk worker --artifacts http://HOST:PORT).",
      ),
  ).action(async (opts: ServeFlags) => {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw inputError(`--port ${opts.port}: expected 0-65535`);
    const token = opts.tokenFile ? readToken(opts.tokenFile) : undefined;
    const maxMib = Number(opts.maxArtifact);
    if (!Number.isInteger(maxMib) || maxMib < 1) throw inputError(`--max-artifact ${opts.maxArtifact}: MiB, 1 or more`);
    if (opts.artifacts) makeDirs(opts.artifacts);
    const { openStore } = await storeStage();
    const { createDashboard, listen } = await import('../server/index.js');
    const store = await openStore(opts.db);
    const server = createDashboard(store, {
      token,
      noCache: !opts.cache,
      artifactDir: opts.artifacts && resolve(opts.artifacts),
      maxArtifact: maxMib * 2 ** 20,
    });
    const bound = await listen(server, port, opts.host);
    say(
      opts,
      `kdk: serving ${store.where} on http://${opts.host}:${bound}/ (${token ? 'writes with token' : 'read-only'}` +
        `${opts.artifacts ? `; artifacts in ${resolve(opts.artifacts)}` : ''})`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await store.close();
  });
}
