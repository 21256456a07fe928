// The files of a .deb, streamed from `dpkg-deb --fsys-tarfile` and read as tar headers without writing anything
// to disk (a kernel image package unpacks to some 400 MB of modules). Each regular file is reported with its first
// and last bytes only: enough to tell an EFI image from its header and a signed module from its trailer.
import { spawn } from 'node:child_process';
import { inputError } from '../util/errors.js';

export interface DebMember {
  /** Path inside the package, without the leading `./` (as files.json names it). */
  path: string;
  size: number;
  head: Buffer;
  tail: Buffer;
}

const BLOCK = 512;
const HEAD = 4096;
const TAIL = 64;

/** Pulls exact byte counts out of a chunked stream, pausing the producer while enough is buffered. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private have = 0;
  private ended = false;
  private wake?: () => void;

  constructor(private readonly flow: { pause(): void; resume(): void }) {}

  push(b: Buffer): void {
    this.chunks.push(b);
    this.have += b.length;
    if (this.have > 8 << 20) this.flow.pause();
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  /** Exactly n bytes, or undefined at the end of the stream. */
  async take(n: number): Promise<Buffer | undefined> {
    while (this.have < n && !this.ended) {
      this.flow.resume();
      await new Promise<void>((r) => (this.wake = r));
    }
    if (this.have < n) return undefined;
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = this.chunks[0];
      if (c.length <= need) {
        parts.push(c);
        this.chunks.shift();
        need -= c.length;
      } else {
        parts.push(c.subarray(0, need));
        this.chunks[0] = c.subarray(need);
        need = 0;
      }
    }
    this.have -= n;
    if (this.have < 4 << 20) this.flow.resume();
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}

const field = (h: Buffer, at: number, len: number) => h.toString('latin1', at, at + len).replace(/\0.*$/s, '');
const octal = (h: Buffer, at: number, len: number) => parseInt(field(h, at, len).trim() || '0', 8);

/** The regular files of `deb`, in archive order. */
export async function debMembers(deb: string): Promise<DebMember[]> {
  const child = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
  const q = new ByteQueue(child.stdout);
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => q.push(b));
  child.stdout.on('end', () => q.end());
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  const out: DebMember[] = [];
  let longName: string | undefined;
  for (;;) {
    const h = await q.take(BLOCK);
    if (!h || h.every((b) => b === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const data = await takeData(q, size);
    if (type === 'L') longName = data.whole.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.whole.toString('utf8'))?.[1];
    else {
      const prefix = field(h, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      longName = undefined;
      if (type === '0') out.push({ path: name.replace(/^\.?\//, ''), size, head: data.head, tail: data.tail });
    }
  }
  child.stdout.resume(); // drain the end-of-archive padding
  const code = await exited;
  if (code !== 0) throw inputError(`dpkg-deb cannot read the package: ${stderr.trim() || `exit ${code}`}`, deb);
  return out;
}

/** An entry's data (padded to blocks): kept whole only when small (long-name records), else its ends. */
async function takeData(q: ByteQueue, size: number): Promise<{ head: Buffer; tail: Buffer; whole: Buffer }> {
  let left = Math.ceil(size / BLOCK) * BLOCK;
  let pos = 0;
  const headParts: Buffer[] = [];
  let tail = Buffer.alloc(0);
  while (left > 0) {
    const n = Math.min(left, 1 << 20);
    const b = await q.take(n);
    if (!b) throw inputError('truncated tar stream');
    const useful = b.subarray(0, Math.max(0, Math.min(n, size - pos)));
    if (pos < HEAD) headParts.push(useful.subarray(0, HEAD - pos));
    tail = Buffer.concat([tail, useful]).subarray(-TAIL);
    pos += n;
    left -= n;
  }
  const head = Buffer.concat(headParts);
  return { head, tail, whole: head };
}
