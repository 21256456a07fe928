// The CVE index on disk, laid out so that a query reads it without parsing it. In order:
//  - a header line: JSON (format, byte order, what it was built from, problems, the data's horizon and the
//    section sizes), padded with spaces so the next section starts on an 8-byte boundary;
//  - every CVE's compiled rule code (rule.ts) in one Float64 array (mainline keys exceed 32 bits);
//  - where each CVE's code starts, then where each CVE's line starts (Uint32, count + 1 each);
//  - one JSON line per CVE with the rest: `[id, sha1, fixes, files, summary, crashes]`.
// `kdk gap cves` judges every CVE in place on the Float64 array and parses only the lines of the CVEs it
// prints (about 1,100 of 14,600 for 6.1.192); a full load (match, triage) parses every line. Parsing the
// whole 6.5 MB JSON index of format 6 was most of a warm query's time.
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { writeFileAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import type { CveTable } from './cve-table.js';
import type { CveIndex, IndexedCve } from './index-build.js';
import type { Problem } from './dyad.js';
import { judgeCode, type Verdict } from './rule.js';
import type { Version } from './version.js';

/** Bumped whenever the layout or the meaning of a field changes; the file name carries it (`-f8.bin`). */
export const INDEX_FORMAT = 8;

interface Header {
  format: number;
  endian: string;
  key: string;
  source: string;
  tree: string;
  builtAt: string;
  problems: Problem[];
  newestFix: Record<string, number>;
  count: number;
  codeLength: number;
  factsBytes: number;
}

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

/** An index file opened in place: judged without parsing, each CVE's line parsed when asked for. */
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
    private readonly facts: Buffer,
  ) {
    this.size = header.count;
    this.problems = header.problems;
    this.newestFix = header.newestFix;
  }

  /** The file when it is of this format, built from `key`, and whole; else undefined (it is rebuilt). */
  static open(path: string, key: string): IndexFile | undefined {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch {
      return undefined;
    }
    const nl = buf.indexOf(10);
    if (nl < 0 || (nl + 1) % 8 !== 0) return undefined;
    let h: Header;
    try {
      h = JSON.parse(buf.toString('utf8', 0, nl)) as Header;
    } catch {
      return undefined; // a damaged cache file is rebuilt
    }
    if (h.format !== INDEX_FORMAT || h.key !== key || h.endian !== endianness()) return undefined;
    const codeAt = nl + 1;
    const startsAt = codeAt + 8 * h.codeLength;
    const factsAt = startsAt + 8 * (h.count + 1);
    if (buf.length !== factsAt + h.factsBytes) return undefined;
    // Typed arrays need aligned offsets; a small file may sit anywhere in Node's buffer pool.
    if (buf.byteOffset % 8 !== 0) buf = Buffer.from(new Uint8Array(buf).buffer);
    const ab = buf.buffer;
    const code = new Float64Array(ab, buf.byteOffset + codeAt, h.codeLength);
    const codeStart = new Uint32Array(ab, buf.byteOffset + startsAt, h.count + 1);
    const factStart = new Uint32Array(ab, buf.byteOffset + startsAt + 4 * (h.count + 1), h.count + 1);
    if (codeStart[h.count] !== h.codeLength || factStart[h.count] !== h.factsBytes) return undefined;
    return new IndexFile(path, h, code, codeStart, factStart, buf.subarray(factsAt));
  }

  judge(i: number, v: Version): Verdict {
    return judgeCode(this.code, v, this.codeStart[i], this.codeStart[i + 1]);
  }

  cve(i: number): IndexedCve {
    let facts: Facts;
    try {
      facts = JSON.parse(this.facts.toString('utf8', this.factStart[i], this.factStart[i + 1])) as Facts;
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
      for (let i = 0; i < this.size; i++) cves.push(this.cve(i));
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
