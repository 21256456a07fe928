// Symbolization like the kernel's scripts/decode_stacktrace.sh: each `func+0xoff/0xsize [mod]` frame
// becomes an address (symbol start from `nm`, plus offset, minus one for return addresses), and all
// addresses of one binary go to ONE addr2line (or llvm-symbolizer) run, which names file:line and the
// inlined calls.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run, which } from '../util/proc.js';
import { envError, inputError } from '../util/errors.js';
import { checkDebugBinary } from './elf.js';
import { checkInputFile } from './read.js';
import { guiltyFile } from './guilty.js';
import { parseFrame } from './frames.js';
import type { CrashReport, Frame } from './types.js';

export interface SymbolizeOptions {
  vmlinux: string;
  /** Searched (recursively) for `<module>.ko` of module frames. */
  modulesDir?: string;
  /** Default: llvm-symbolizer when installed (faster on a big vmlinux), else binutils' addr2line. */
  tool?: 'addr2line' | 'llvm-symbolizer';
}

interface Sym {
  addr: bigint;
  size: number;
}
interface Location {
  function: string;
  file: string;
  line: number;
}

const KERNEL_TOP_DIRS =
  /(?:^|\/)((?:arch|block|certs|crypto|drivers|fs|include|init|io_uring|ipc|kernel|lib|mm|net|rust|samples|scripts|security|sound|tools|usr|virt)\/.*)$/;

/** Kernel-relative path: build-machine prefixes (`/build/linux-6.1/`) cut, as syzkaller shows them. */
export function cleanSourcePath(file: string): string {
  const m = KERNEL_TOP_DIRS.exec(file);
  return m ? m[1] : file.replace(/^(\.\/)+/, '');
}

async function readSymbols(bin: string): Promise<Map<string, Sym[]>> {
  const r = await run('nm', ['--defined-only', '-S', bin], { timeoutMs: 120_000, maxBuffer: 1 << 30 });
  if (r.code !== 0) throw inputError(`nm failed: ${r.stderr.trim()}`, bin);
  const syms = new Map<string, Sym[]>();
  for (const line of r.stdout.split('\n')) {
    const p = line.split(' ');
    if (p.length !== 4 || !/^[tTwW]$/.test(p[2])) continue;
    const list = syms.get(p[3]) ?? [];
    list.push({ addr: BigInt('0x' + p[0]), size: parseInt(p[1], 16) });
    syms.set(p[3], list);
  }
  return syms;
}

/** One addr2line run for all addresses of a binary; locations innermost (inlined) first. */
async function addr2line(bin: string, pcs: bigint[], tool: string): Promise<Map<bigint, Location[]>> {
  const out = new Map<bigint, Location[]>();
  if (pcs.length === 0) return out;
  const input = pcs.map((pc) => '0x' + pc.toString(16)).join('\n') + '\n';
  const llvm = tool === 'llvm-symbolizer' ? tool : undefined;
  const r = llvm
    ? await run(llvm, ['--obj=' + bin, '--inlining', '--functions=linkage', '--output-style=GNU', '--addresses'], {
        input,
        timeoutMs: 600_000,
      })
    : await run('addr2line', ['-e', bin, '-f', '-i', '-a'], { input, timeoutMs: 600_000 });
  if (r.code !== 0) throw inputError(`symbolizer failed: ${r.stderr.trim()}`, bin);
  let cur: Location[] | undefined;
  const lines = r.stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (/^0x[0-9a-f]+$/.test(l)) {
      cur = [];
      out.set(BigInt(l), cur);
      continue;
    }
    if (!cur || l === '') continue;
    const where = (lines[++i] ?? '').trim().replace(/ \(discriminator \d+\)$/, '');
    const m = /^(.*):(\d+)$/.exec(where);
    if (l !== '??' && m && m[1] !== '??') cur.push({ function: l, file: cleanSourcePath(m[1]), line: Number(m[2]) });
  }
  return out;
}

function findModule(dir: string, name: string, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const wanted = new Set([`${name}.ko`, `${name.replace(/_/g, '-')}.ko`]);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const e of entries) if (wanted.has(e)) return join(dir, e);
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) {
      const f = findModule(p, name, depth + 1);
      if (f) return f;
    }
  }
  return undefined;
}

interface Binary {
  path: string;
}

function frameAddress(syms: Map<string, Sym[]>, f: Frame): bigint | undefined {
  const list = syms.get(f.function);
  if (!list || f.offset === undefined) return undefined;
  // Same-named static functions: the one of the printed size.
  const s = list.find((x) => x.size === f.size) ?? list[0];
  // Stack frames hold return addresses: the call is the instruction before.
  return s.addr + BigInt(f.offset) - 1n;
}

/** Adds file:line (and the inlined frames) to every frame it can, and recomputes the guilty file. */
export async function symbolize(reports: CrashReport[], opts: SymbolizeOptions): Promise<CrashReport[]> {
  checkInputFile(opts.vmlinux);
  checkDebugBinary(opts.vmlinux);
  const tool = opts.tool ?? (which('llvm-symbolizer') ? 'llvm-symbolizer' : 'addr2line');
  if (!which(tool) || !which('nm')) {
    throw envError(
      `${tool} or nm is missing`,
      tool === 'addr2line' ? 'apt-get install -y binutils' : 'apt-get install -y llvm',
    );
  }
  const bins = new Map<string, Binary>();
  const binaryOf = (f: Frame): Binary | undefined => {
    const path = f.module ? (opts.modulesDir ? findModule(opts.modulesDir, f.module) : undefined) : opts.vmlinux;
    if (!path) return undefined;
    let b = bins.get(path);
    if (!b) bins.set(path, (b = { path }));
    return b;
  };
  // Frames are told apart by what the log prints of them (the text is rewritten from the same key).
  const key = (f: Frame): string => `${f.module ?? ''}:${f.function}+${f.offset}/${f.size}`;
  const wanted = new Map<string, { frame: Frame; bin: Binary }>();
  for (const rep of reports) {
    for (const f of rep.frames) {
      if (f.file || f.offset === undefined || wanted.has(key(f))) continue;
      const bin = binaryOf(f);
      if (bin) wanted.set(key(f), { frame: f, bin });
    }
  }
  const found = new Map<string, Location[]>();
  for (const b of bins.values()) {
    const syms = await readSymbols(b.path);
    const pcOf = new Map<string, bigint>();
    for (const [k, w] of wanted) {
      if (w.bin !== b) continue;
      const pc = frameAddress(syms, w.frame);
      if (pc !== undefined) pcOf.set(k, pc);
    }
    const locs = await addr2line(b.path, [...new Set(pcOf.values())], tool);
    for (const [k, pc] of pcOf) {
      const l = locs.get(pc);
      if (l?.length) found.set(k, l);
    }
  }
  const resolve = (f: Frame): Location[] | undefined => (f.file ? undefined : found.get(key(f)));
  return reports.map((rep) => symbolizeReport(rep, resolve));
}

function symbolizeReport(rep: CrashReport, resolve: (f: Frame) => Location[] | undefined): CrashReport {
  const frames: Frame[] = [];
  for (const f of rep.frames) frames.push(...expand(f, resolve(f)));
  const lines: string[] = [];
  for (const line of rep.text.split('\n')) {
    const f = line.includes('+0x') ? parseFrame(line) : undefined;
    const locs = f && !f.file ? resolve(f) : undefined;
    if (!locs?.length) {
      lines.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)![0];
    for (const loc of locs.slice(0, -1)) lines.push(`${indent}${loc.function} ${loc.file}:${loc.line} [inline]`);
    const last = locs[locs.length - 1];
    lines.push(`${line} ${last.file}:${last.line}`);
  }
  const text = lines.join('\n');
  return { ...rep, frames, text, guiltyFile: guiltyFile(rep.title, text) ?? rep.guiltyFile };
}

function expand(f: Frame, locs: Location[] | undefined): Frame[] {
  if (!locs?.length) return [f];
  const inl = locs.slice(0, -1).map((l) => ({ function: l.function, file: l.file, line: l.line, inlined: true }));
  const last = locs[locs.length - 1];
  return [...inl, { ...f, file: last.file, line: last.line }];
}
