// A writer for the cpio "newc" format the kernel unpacks as an initramfs. Written here rather than piping to
// `cpio -o` so device nodes (/dev/console) can be added without root and the bytes are reproducible
// (fixed mtime, owner and inode numbers), which makes the image cacheable by content.

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(ino: number, mode: number, size: number, rdev: [number, number], name: string): Buffer {
  const nameBytes = Buffer.from(name + '\0', 'utf8');
  const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const head = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  return Buffer.concat([head, nameBytes, Buffer.alloc(pad4(head.length + nameBytes.length))]);
}

/** The archive's bytes: entries in the given order (parents before children), then the trailer. */
export function newcArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    if (!name) continue;
    let mode: number;
    let data: Uint8Array = Buffer.alloc(0);
    let rdev: [number, number] = [0, 0];
    if (e.kind === 'dir') mode = S_IFDIR | (e.mode ?? 0o755);
    else if (e.kind === 'file') {
      mode = S_IFREG | (e.mode ?? 0o644);
      data = e.data;
    } else if (e.kind === 'symlink') {
      mode = S_IFLNK | 0o777;
      data = Buffer.from(e.target, 'utf8');
    } else {
      mode = S_IFCHR | (e.mode ?? 0o600);
      rdev = [e.major, e.minor];
    }
    parts.push(header(ino++, mode, data.length, rdev, name), Buffer.from(data), Buffer.alloc(pad4(data.length)));
  }
  parts.push(header(0, 0, 0, [0, 0], 'TRAILER!!!'));
  return Buffer.concat(parts);
}
