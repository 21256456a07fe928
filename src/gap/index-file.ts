// The CVE index on disk, laid out so that a query reads it without parsing it. In order:
//  - a header line: JSON (format, byte order, what it was built from, problems, the data's horizon and the
//    section sizes), padded with spaces so the next section starts on an 8-byte boundary;
//  - every CVE's compiled rule code (rule.ts) in one Float64 array (mainline keys exceed 32 bits);
//  - where each CVE's code starts, then where each CVE's line starts (Uint32, count + 1 each);
//  - one JSON line per CVE with the rest: `[id, sha1, fixes, files, summary, crashes]`.
// `kdk gap cves` reads the header, code and offsets, judges every CVE on the Float64 array, and reads and
// parses only the lines of the CVEs it prints (about 1,100 of 14,600 for 6.1.192); a full load (match,
// triage) reads and parses every line. Parsing the
// whole 6.5 MB JSON index of format 6 was most of a warm query's time.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { writeFileAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import type { CveTable } from './cve-table.js';
import type { CveIndex, IndexedCve } from './index-build.js';
import type { Problem } from './dyad.js';
import { judgeCode, type Verdict } from './rule.js';
import type { Version } from './version.js';

/** Bumped whenever the layout or the meaning of a field changes; the file name carries it (`-f9.bin`; 9: the KASAN title keys of crash-title.ts). */
export const INDEX_FORMAT = 9;

/** The index's own fields less its CVEs, and where the packed parts lie. */
type Header = Omit<CveIndex, 'cves'> & {
  endian: string;
  count: number;
  codeLength: number;
  factsBytes: number;
};

type Facts = [string, string[], string, string[], string, { title: string; keys: string[] }[]];

/** Write `index` in this layout, atomically. */
export function writeIndexFile(out: string, index: CveIndex): void {
  const n = index.cves.length;
  const codeStart = new Uint32Array(n + 1);
  const factStart = new Uint32Array(n + 1);
  const lines: Buffer[] = [];
  let codeLength = 0;
  let factsBytes = 0;
  index.cves.forEach((c, i) => {
    codeStart[i] = codeLength;
    codeLength += c.code.length;
    const facts: Facts = [c.id, c.sha1, c.fixes, c.files, c.summary, c.crashes];
    const line = Buffer.from(JSON.stringify(facts) + '\n'); // JSON.stringify escapes every newline inside
    factStart[i] = factsBytes;
    factsBytes += line.length;
    lines.push(line);
  });
  codeStart[n] = codeLength;
  factStart[n] = factsBytes;
  const code = new Float64Array(codeLength);
  index.cves.forEach((c, i) => code.set(c.code, codeStart[i]));
  const header: Header = {
    format: INDEX_FORMAT,
    endian: endianness(),
    key: index.key,
    source: index.source,
    tree: index.tree,
    builtAt: index.builtAt,
    problems: index.problems,
    newestFix: index.newestFix,
    count: n,
    codeLength,
    factsBytes,
  };
  const json = Buffer.from(JSON.stringify(header));
  const pad = (8 - ((json.length + 1) % 8)) % 8;
  const head = Buffer.concat([json, Buffer.from(' '.repeat(pad) + '\n')]);
  const bytes = (a: Float64Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileAtomic(out, Buffer.concat([head, bytes(code), bytes(codeStart), bytes(factStart), ...lines]));
}

/** Reads `length` bytes at `position` into `into` (all of them, or fewer at the end of the file). */
function readAt(fd: number, into: NodeJS.TypedArray, position: number): number {
  let done = 0;
  while (done < into.byteLength) {
    const n = readSync(fd, into, done, into.byteLength - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * An index file opened in place: its header, rule code and offsets are read (a quarter of the file), each CVE's
 * line only when asked for, by a positioned read. The file is replaced only whole (rename), and a rebuild from
 * the same key writes the same bytes but for the build time, so a line read later is the same line.
 */
export class IndexFile implements CveTable {
  readonly size: number;
  readonly problems: Problem[];
  readonly newestFix: Record<string, number>;

  private constructor(
    readonly path: string,
    private readonly header: Header,
    private readonly code: Float64Array,
    private readonly codeStart: Uint32Array,
    private readonly factStart: Uint32Array,
    private readonly factsAt: number,
  ) {
    this.size = header.count;
    this.problems = header.problems;
    this.newestFix = header.newestFix;
  }

  /** The file when it is of this format, built from `key`, and whole; else undefined (it is rebuilt). */
  static open(path: string, key: string): IndexFile | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    try {
      const size = fstatSync(fd).size;
      // The header: its first line, which holds the problems list (long only for a hostile tree).
      let head = Buffer.allocUnsafe(Math.min(size, 1 << 16));
      let nl = -1;
      for (;;) {
        const got = readAt(fd, head, 0);
        nl = head.indexOf(10);
        if (nl >= 0 || got < head.length) break;
        head = Buffer.allocUnsafe(Math.min(size, head.length * 4));
      }
      if (nl < 0 || (nl + 1) % 8 !== 0) return undefined;
      const h = JSON.parse(head.toString('utf8', 0, nl)) as Header;
      if (h.format !== INDEX_FORMAT || h.key !== key || h.endian !== endianness()) return undefined;
      const codeAt = nl + 1;
      const startsAt = codeAt + 8 * h.codeLength;
      const factsAt = startsAt + 8 * (h.count + 1);
      if (size !== factsAt + h.factsBytes) return undefined;
      const code = new Float64Array(h.codeLength);
      const starts = new Uint32Array(2 * (h.count + 1));
      if (readAt(fd, code, codeAt) !== code.byteLength || readAt(fd, starts, startsAt) !== starts.byteLength)
        return undefined;
      const codeStart = starts.subarray(0, h.count + 1);
      const factStart = starts.subarray(h.count + 1);
      if (codeStart[h.count] !== h.codeLength || factStart[h.count] !== h.factsBytes) return undefined;
      return new IndexFile(path, h, code, codeStart, factStart, factsAt);
    } catch {
      return undefined; // a damaged cache file is rebuilt
    } finally {
      closeSync(fd);
    }
  }

  judge(i: number, v: Version): Verdict {
    return judgeCode(this.code, v, this.codeStart[i], this.codeStart[i + 1]);
  }

  cves(which: number[]): IndexedCve[] {
    const out: IndexedCve[] = [];
    if (which.length === 0) return out;
    const fd = openSync(this.path, 'r');
    try {
      let buf = Buffer.allocUnsafe(1 << 16);
      for (const i of which) {
        const len = this.factStart[i + 1] - this.factStart[i];
        if (len > buf.length) buf = Buffer.allocUnsafe(len);
        const got = readAt(fd, buf.subarray(0, len), this.factsAt + this.factStart[i]);
        out.push(this.entry(i, buf.toString('utf8', 0, got)));
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  private entry(i: number, line: string): IndexedCve {
    let facts: Facts;
    try {
      facts = JSON.parse(line) as Facts;
    } catch {
      throw new KdkError(`damaged CVE index (entry ${i + 1}); run the command again with --rebuild`, {
        file: this.path,
        exitCode: ExitCode.usage,
      });
    }
    const [id, sha1, fixes, files, summary, crashes] = facts;
    const code = Array.from(this.code.subarray(this.codeStart[i], this.codeStart[i + 1]));
    return { id, sha1, fixes, code, files, summary, crashes };
  }

  /** Every CVE parsed: the index as the build returned it. undefined when a line is damaged (rebuilt). */
  toIndex(): CveIndex | undefined {
    const h = this.header;
    const cves: IndexedCve[] = [];
    try {
      const facts = Buffer.allocUnsafe(h.factsBytes);
      const fd = openSync(this.path, 'r');
      try {
        if (readAt(fd, facts, this.factsAt) !== facts.length) return undefined;
      } finally {
        closeSync(fd);
      }
      for (let i = 0; i < this.size; i++)
        cves.push(this.entry(i, facts.toString('utf8', this.factStart[i], this.factStart[i + 1])));
    } catch {
      return undefined;
    }
    return {
      format: h.format,
      key: h.key,
      source: h.source,
      tree: h.tree,
      builtAt: h.builtAt,
      problems: h.problems,
      newestFix: h.newestFix,
      cves,
    };
  }
}
