// A store filled from real consoles (syzkaller's corpus) plus one console holding markup, served on a free
// loopback port for the server and browser tests.
import { writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { openStore, type Store } from '../../src/store/index.js';
import { createDashboard, listen } from '../../src/server/index.js';
import { corpusCases } from '../store/corpus-logs.js';
import { tempDir } from '../store/tmp.js';

export const TOKEN = 'test-token-0123456789abcdef';

/** A real report whose console carries a `<script>` line and whose title carries markup. */
function hostileConsole(log: Buffer, title: string): Buffer {
  const s = log.toString('latin1');
  // On a line of its own before the report's first line, so the report stage still reads the crash.
  const at = s.lastIndexOf('\n', s.indexOf(title.split(' ')[0])) + 1;
  const inject = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>\n';
  return Buffer.from(s.slice(0, at) + inject + s.slice(at), 'latin1');
}

export interface Served {
  store: Store;
  server: Server;
  base: string;
  dir: string;
  titles: string[];
  close: () => Promise<void>;
}

export async function serveCorpus(n = 12): Promise<Served> {
  const dir = tempDir('kdk-serve-');
  const store = await openStore(join(dir, 'kdk.db'));
  const cases = corpusCases(n);
  for (const [i, c] of cases.entries()) {
    const p = join(dir, `${c.name}.log`);
    writeFileSync(p, i === 0 ? hostileConsole(c.log, c.want.title) : c.log);
    await store.ingest(p, { kernel: i % 2 ? '6.1.150' : '6.1.160' });
  }
  // A report whose own title and text carry markup (report JSON is external input too).
  writeFileSync(
    join(dir, 'markup.json'),
    JSON.stringify({
      reports: [
        {
          title: 'WARNING in <script>alert(1)</script>_fn',
          altTitles: [],
          type: 'WARNING',
          corrupted: false,
          panicked: false,
          start: 0,
          end: 10,
          text: 'WARNING: <script>alert(2)</script> at fn\n',
          frames: [],
        },
      ],
    }),
  );
  await store.ingest(join(dir, 'markup.json'), { kernel: '6.1.160' });
  // A symlink beside the store pointing at a host file: nothing may serve it.
  symlinkSync('/etc/passwd', join(dir, 'passwd-link'));
  const server = createDashboard(store, { token: TOKEN });
  const port = await listen(server, 0);
  return {
    store,
    server,
    base: `http://127.0.0.1:${port}`,
    dir,
    titles: cases.map((c) => c.want.title),
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
    },
  };
}
