// A real `kdk flavour --json` document for the store tests: the default debug flavour composed on Debian's own
// tree (apt, cached), made once per test file.
import { join } from 'node:path';
import { makeDebugFlavour, reportJson, writeFlavour } from '../../src/flavour/index.js';
import { tempDir } from './tmp.js';

let doc: Promise<Record<string, unknown>> | undefined;

/** What `kdk flavour --json --out DIR` prints for the default flavour. */
export function flavourDoc(): Promise<Record<string, unknown>> {
  doc ??= (async () => {
    const r = await makeDebugFlavour({ distro: 'debian', arch: 'amd64', profiles: ['syzbot'] });
    const out = join(tempDir('kdk-store-flavour-'), 'fl');
    return { out, written: writeFlavour(r, out), ...(reportJson(r) as Record<string, unknown>) };
  })();
  return doc;
}
