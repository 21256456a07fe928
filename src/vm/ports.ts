// Free TCP ports for a VM's gdb stub and forwarded ssh: ask the kernel for an unused port by binding port 0.
// Ports are handed out once per process so two VMs started at the same moment never get the same one.
import { createServer } from 'node:net';

const handedOut = new Set<number>();

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function freePort(): Promise<number> {
  for (;;) {
    const p = await probePort();
    if (!handedOut.has(p)) {
      handedOut.add(p);
      return p;
    }
  }
}
