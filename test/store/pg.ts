// A throwaway PostgreSQL cluster for the store tests: Debian's postgresql (installed with apt when missing and
// root), initdb in a temporary directory as the postgres user (initdb refuses root), listening on 127.0.0.1
// only on a free port, stopped and deleted after.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  /** A database's URL, as the cluster's superuser (kdk) or another role. */
  url: (db?: string, user?: string) => string;
  createDb: (name: string) => void;
  /** Runs SQL as the superuser in a database; its rows, a line each (psql -At). */
  psql: (db: string, statement: string) => string;
  stop: () => void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Why no cluster can start here, or undefined (installing Debian's postgresql first when root). */
export function pgUnavailable(): string | undefined {
  if (!existsSync(`${BIN}/initdb`) && process.getuid?.() === 0) {
    spawnSync('apt-get', ['install', '-y', 'postgresql-15'], { stdio: 'ignore' });
    if (!existsSync(`${BIN}/initdb`)) {
      spawnSync('apt-get', ['update'], { stdio: 'ignore' });
      spawnSync('apt-get', ['install', '-y', 'postgresql-15'], { stdio: 'ignore' });
    }
  }
  if (!existsSync(`${BIN}/initdb`)) return `no ${BIN}/initdb (apt-get install postgresql-15 as root)`;
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'no postgres user';
  return undefined;
}

export async function startPg(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-pg-'));
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) : undefined;
  if (uid !== undefined) chownSync(dir, uid, gid!);
  const pg = (bin: string, args: string[]) =>
    execFileSync(`${BIN}/${bin}`, args, { uid, gid, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  const data = join(dir, 'data');
  pg('initdb', ['-D', data, '-A', 'trust', '-U', 'kdk', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  pg('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  let stopped = false;
  return {
    url: (db = 'postgres', user = 'kdk') => `postgres://${user}@127.0.0.1:${port}/${db}`,
    createDb: (name) => pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'kdk', name]),
    psql: (db, statement) =>
      execFileSync(
        `${BIN}/psql`,
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'kdk', '-d', db, '-At', '-v', 'ON_ERROR_STOP=1', '-c', statement],
        { uid, gid, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
      ).trim(),
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
