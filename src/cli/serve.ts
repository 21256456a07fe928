// `kdk serve`: the dashboard and JSON API over a store, until Ctrl-C.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, say, type CommonOptions } from './common.js';
import { DB_HELP, storeStage } from './store.js';
import { inputError } from '../util/errors.js';

export function registerServe(program: Command): void {
  addCommonOptions(
    program
      .command('serve')
      .option('--db <file|url>', DB_HELP)
      .option('--port <n>', 'port (0: a free one, printed)', '8080')
      .option('--host <addr>', 'address to listen on', '127.0.0.1')
      .option('--no-cache', 'answer every request from the store (no response cache)')
      .option('--token-file <file>', 'file holding the Bearer token that writes (POST) need; none: read-only')
      .description('serve the dashboard (bug list, bug pages, builds, gap, kernel A vs B) and the JSON API')
      .addHelpText(
        'after',
        '\nExample:\n  kdk serve --db kdk.db --port 8347\n  curl http://127.0.0.1:8347/api/bugs?q=KASAN',
      ),
  ).action(
    async (opts: CommonOptions & { db?: string; port: string; host: string; tokenFile?: string; cache: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw inputError(`--port ${opts.port}: expected 0-65535`);
      let token: string | undefined;
      if (opts.tokenFile) {
        try {
          token = readFileSync(opts.tokenFile, 'utf8').trim();
        } catch (e) {
          throw inputError(`cannot read the token: ${(e as Error).message}`, opts.tokenFile);
        }
        if (token.length < 16) throw inputError('token shorter than 16 characters', opts.tokenFile);
      }
      const { openStore } = await storeStage();
      const { createDashboard, listen } = await import('../server/index.js');
      const store = await openStore(opts.db);
      const server = createDashboard(store, { token, noCache: !opts.cache });
      const bound = await listen(server, port, opts.host);
      say(
        opts,
        `kdk: serving ${store.where} on http://${opts.host}:${bound}/ (${token ? 'writes with token' : 'read-only'})`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await store.close();
    },
  );
}
