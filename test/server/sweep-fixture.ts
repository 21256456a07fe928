// The sweep dashboard tests' store: two real `kdk sweep --json` reports (test/server/data/README.md) through
// `kdk ingest`, and the default debug flavour composed on Debian's tree through the store API, served on loopback.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { openStore, type Store } from '../../src/store/index.js';
import { createDashboard, listen } from '../../src/server/index.js';
import { flavourDoc } from '../store/flavour-doc.js';
import { projectRoot } from '../helpers.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const data = join(import.meta.dirname, 'data');
export const REVERTED = join(data, 'sweep-reverted.json');
export const SHIPPED = join(data, 'sweep-shipped.json');
/** The shipped kernel is ingested under a name (`kdk ingest --kernel`), the reverted one under its image path. */
export const SHIPPED_NAME = '6.1.176-shipped';
/** A kernel name carrying markup, for a third copy of the reverted sweep posted to the server. */
export const HOSTILE = '6.1.176-<script>document.title="pwned"</script><img src=x onerror=alert(1)>';
export const TOKEN = 'sweep-token-0123456789';

interface Result {
  bundle: string;
  title: string;
  verdict: string;
  hits: number;
  runs: number;
  fixCommit?: string;
  assessment?: string;
  fix: { state: string; how: string };
}
export interface SweepDoc {
  kernel: { image: string; sha256: string };
  results: Result[];
}
export const report = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as SweepDoc;

export interface SweepServed {
  store: Store;
  base: string;
  close: () => Promise<void>;
}

/** A store at `target` holding both sweeps (through `kdk ingest`) and the default flavour, served on loopback. */
export async function serveSweeps(target: string): Promise<SweepServed> {
  for (const args of [[REVERTED], ['--kernel', SHIPPED_NAME, SHIPPED]]) {
    const r = spawnSync(process.execPath, [kdk, 'ingest', '--db', target, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  const store = await openStore(target);
  assert.equal((await store.record(await flavourDoc(), 'kdk flavour')).flavours, 1);
  const server: Server = createDashboard(store, { token: TOKEN });
  const port = await listen(server, 0);
  return {
    store,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
    },
  };
}
