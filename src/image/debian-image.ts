// A Debian root disk image for reproducers that need a full system, made the way syzkaller's
// tools/create-image.sh does: debootstrap a chroot with openssh-server, let root log in on the serial console
// and over ssh with a generated key, then an ext4 image populated straight from the chroot (mkfs.ext4 -d,
// no loop mount). Cached by release and size under cacheDir('images').
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { makeDirs, tempPathFor } from '../util/atomic.js';
import { ensurePackages, isRoot } from '../util/deps.js';
import { envError, inputError, KdkError, ExitCode } from '../util/errors.js';
import { run } from '../util/proc.js';

export const DEBIAN_IMAGE_PACKAGES = ['debootstrap', 'e2fsprogs', 'openssh-client'];
const PACKAGES_IN_IMAGE = ['openssh-server', 'systemd-sysv', 'udev', 'ifupdown', 'isc-dhcp-client', 'procps'];

export interface DebianImage {
  dir: string;
  disk: string;
  key: string;
  release: string;
  sizeMb: number;
}

function mirror(): string {
  const src = '/etc/apt/sources.list.d/debian.sources';
  const uri = existsSync(src) ? /^URIs:\s*(\S+)/m.exec(readFileSync(src, 'utf8'))?.[1] : undefined;
  return uri ?? 'http://deb.debian.org/debian';
}

async function step(what: string, cmd: string, args: string[], timeoutMs = 30 * 60_000): Promise<void> {
  const r = await run(cmd, args, { timeoutMs });
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-10).join('\n');
    throw new KdkError(`${what} failed (exit ${r.code ?? r.signal})\n${tail}`, { exitCode: ExitCode.failure });
  }
}

function configure(root: string, pubKey: string): void {
  writeFileSync(
    join(root, 'etc/fstab'),
    '/dev/vda / ext4 defaults 0 1\ndebugfs /sys/kernel/debug debugfs defaults 0 0\n',
  );
  writeFileSync(join(root, 'etc/hostname'), 'kdk-guest\n');
  writeFileSync(
    join(root, 'etc/network/interfaces'),
    'auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet dhcp\n',
  );
  // Root logs in without a password on the serial console (the getty systemd starts for console=ttyS0).
  const shadow = join(root, 'etc/shadow');
  writeFileSync(shadow, readFileSync(shadow, 'utf8').replace(/^root:[^:]*:/m, 'root::'));
  appendFileSync(join(root, 'etc/ssh/sshd_config'), '\nPermitRootLogin prohibit-password\nUseDNS no\n');
  mkdirSync(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(root, 'root/.ssh/authorized_keys'), pubKey);
  chmodSync(join(root, 'root/.ssh/authorized_keys'), 0o600);
}

export async function buildDebianImage(opts: {
  release: string;
  sizeMb: number;
  log: (l: string) => void;
}): Promise<DebianImage> {
  if (!/^[a-z]+$/.test(opts.release)) throw inputError(`--release: not a Debian release name: "${opts.release}"`);
  if (!Number.isInteger(opts.sizeMb) || opts.sizeMb < 512) throw inputError('--size: at least 512 MiB');
  if (!isRoot()) throw envError('debootstrap needs root', `sudo kdk image debian --release ${opts.release} ...`);
  ensurePackages(DEBIAN_IMAGE_PACKAGES, opts.log);
  const key = hashOf('debian-image-v1', opts.release, String(opts.sizeMb), PACKAGES_IN_IMAGE.join(',')).slice(0, 16);
  const dir = join(cacheDir('images'), `debian-${opts.release}-${key}`);
  const result = { dir, disk: join(dir, 'disk.img'), key, release: opts.release, sizeMb: opts.sizeMb };
  if (existsSync(join(dir, 'image.json'))) return result;
  const tmp = tempPathFor(dir);
  mkdirSync(tmp, { recursive: true });
  try {
    const chroot = join(tmp, 'chroot');
    opts.log(`kdk: debootstrap ${opts.release} from ${mirror()} (a few minutes)`);
    await step('debootstrap', 'debootstrap', [
      `--include=${PACKAGES_IN_IMAGE.join(',')}`,
      '--components=main',
      opts.release,
      chroot,
      mirror(),
    ]);
    await step('ssh-keygen', 'ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'kdk',
      '-f',
      join(tmp, 'id_ed25519'),
    ]);
    configure(chroot, readFileSync(join(tmp, 'id_ed25519.pub'), 'utf8'));
    opts.log(`kdk: making the ext4 image (${opts.sizeMb} MiB)`);
    await step('mkfs.ext4', 'mkfs.ext4', [
      '-q',
      '-F',
      '-L',
      'kdk-root',
      '-d',
      chroot,
      join(tmp, 'disk.img'),
      `${opts.sizeMb}M`,
    ]);
    rmSync(chroot, { recursive: true, force: true });
    writeFileSync(
      join(tmp, 'image.json'),
      JSON.stringify({ ...result, dir: undefined, builtAt: new Date().toISOString() }, null, 2),
    );
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return result;
}

/**
 * Copy a cached image to `outDir` (disk.img, the ssh key pair, image.json), each file by temp file + rename. The
 * disk stays sparse: an ext4 image is mostly holes (a 2 GiB disk holds ~400 MB), and a plain copy (Node's
 * copyFile, sendfile) would write every zero. `cp --sparse=always` (coreutils) punches the holes back.
 */
export async function exportDebianImage(image: DebianImage, outDir: string): Promise<void> {
  makeDirs(outDir); // a file in the way is named (EEXIST/ENOTDIR), not a stack trace
  for (const f of ['disk.img', 'id_ed25519', 'id_ed25519.pub', 'image.json']) {
    const target = join(outDir, f);
    const tmp = tempPathFor(target);
    try {
      if (f === 'disk.img') await step('copying the disk image', 'cp', ['--sparse=always', join(image.dir, f), tmp]);
      else copyFileSync(join(image.dir, f), tmp);
      if (f === 'id_ed25519') chmodSync(tmp, 0o600);
      renameSync(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }
}
