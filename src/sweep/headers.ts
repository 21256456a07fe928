// The target kernel's own UAPI headers for compiling reproducers: `make headers_install` of the kernel's tree,
// out of tree, into a cache directory keyed by the tree (its identity, as the kernel cache keys it) and the
// architecture. A syzbot reproducer written for a newer kernel than the build host's linux-libc-dev needs them,
// and one compiled against the target's own headers sees the same structures and numbers the kernel does.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { populateDirAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { kernelArch } from '../util/arch.js';
import { withScratchDir } from '../util/scratch.js';
import { runMake, treeIdentity } from '../build/index.js';

/** The installed headers' directory (holding include/), made once per tree and architecture. */
export async function uapiHeaders(srcTree: string, arch: string, log: (l: string) => void): Promise<string> {
  const key = hashOf('uapi-headers-v1', treeIdentity(srcTree), kernelArch(arch)).slice(0, 16);
  const dir = join(cacheDir('kernels'), `uapi-${key}`);
  if (existsSync(join(dir, 'include', 'linux', 'version.h'))) return dir;
  log(`kdk: installing the UAPI headers of ${srcTree} (make headers_install)`);
  await withScratchDir('headers', async (build) => {
    const out = join(build, 'install');
    const r = await runMake(
      [
        '-C',
        srcTree,
        `O=${join(build, 'o')}`,
        `ARCH=${kernelArch(arch)}`,
        `INSTALL_HDR_PATH=${out}`,
        'headers_install',
      ],
      { timeoutMs: 10 * 60_000, maxBuffer: 4 * 1024 * 1024 },
    );
    if (r.code !== 0)
      throw new KdkError(
        `make headers_install failed in ${srcTree}:\n${r.stderr.trim().split('\n').slice(-10).join('\n')}`,
        {
          exitCode: ExitCode.failure,
        },
      );
    populateDirAtomic(dir, (tmp) => cpSync(join(out, 'include'), join(tmp, 'include'), { recursive: true }));
  });
  return dir;
}
