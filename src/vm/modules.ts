// Kernel modules loaded in the guest (`kdk run --module FILE.ko`): each .ko goes into the initramfs under
// /kdk/mods/, and one guest program per module insmods it, in the order given (so a module that uses another's
// symbols comes after it). The outcome of each is its insmod status plus the kernel's own words when it refused:
// `disagrees about version of symbol X` (a CRC from other headers), `Unknown symbol X`, `invalid module format`.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { inputError } from '../util/errors.js';
import type { GuestFile, GuestProgram } from '../image/index.js';
import type { RunResult } from './types.js';
import { MARKER, MARK_EXIT, MARK_START } from '../image/index.js';

export interface ModuleLoad {
  file: string;
  /** The module's name as the kernel prints it (file name without .ko, '-' as '_'). */
  name: string;
  loaded: boolean;
  /** insmod's exit status; absent when it never finished (the guest crashed first). */
  status?: number;
  /** The kernel's and insmod's lines about this module. */
  messages: string[];
  /** Why it was refused, in the kernel's words, when it was. */
  refusal?: string;
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

function guestName(file: string, i: number): string {
  return `${String(i + 1).padStart(2, '0')}-${basename(file).replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The initramfs additions for `modules`: the .ko files and one insmod script each. */
export function modulePrograms(modules: string[]): { programs: GuestProgram[]; files: GuestFile[] } {
  const programs: GuestProgram[] = [];
  const files: GuestFile[] = [];
  modules.forEach((m, i) => {
    if (!existsSync(m)) throw inputError('module not found', m);
    if (!m.endsWith('.ko') || !readFileSync(m).subarray(0, 4).equals(ELF))
      throw inputError('not a kernel module (an ELF .ko)', m);
    const path = `kdk/mods/${guestName(m, i)}`;
    files.push({ path, src: m });
    const script = `#!/bin/sh\ninsmod /${path}\n`;
    const at = join(cacheDir('images'), `insmod-${hashOf(script).slice(0, 16)}.sh`);
    if (!existsSync(at)) writeFileAtomic(at, script);
    programs.push({ name: `insmod-${basename(m, '.ko')}`, path: at });
  });
  return { programs, files };
}

const REFUSAL =
  /disagrees about version of symbol \S+|Unknown symbol \S+|invalid module format|no symbol version for \S+|Exec format error|Required key not available|Key was rejected by service/i;

/** The console lines between a program's start and exit markers (what the guest printed while it ran). */
function linesOf(lines: string[], program: string): string[] {
  const start = lines.indexOf(`${MARK_START} ${program}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, j) => j > start && l.startsWith(`${MARK_EXIT} ${program} `));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => !l.startsWith(MARKER));
}

/** What became of each module in one run (its program is the i-th in the guest: modules run first). */
export function moduleLoads(modules: string[], run: RunResult): ModuleLoad[] {
  const lines = readFileSync(run.consoleLog, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const insmods = run.programs.filter((p) => /^\d+-insmod-/.test(p.name));
  return modules.map((file, i) => {
    const name = basename(file, '.ko').replace(/-/g, '_');
    const program = insmods[i];
    const messages = program ? linesOf(lines, program.name) : [];
    const status = program?.status;
    const refusal = status === 0 ? undefined : messages.map((l) => REFUSAL.exec(l)?.[0]).find(Boolean);
    return { file, name, loaded: status === 0, status, messages, refusal };
  });
}
