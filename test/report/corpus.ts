// Reader of syzkaller's report test corpus (../shared/corpora/syzkaller-report): header lines with the
// expected results, an empty line, the console log, optionally `REPORT:` and the expected report text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../helpers.js';
import type { CrashReport } from '../../src/report/index.js';

export const CORPUS = sharedDir('corpora', 'syzkaller-report');

export interface Expected {
  title: string;
  altTitles: string[];
  type: string;
  corrupted: boolean;
  panicked: boolean;
  suppressed: boolean;
  frame?: string;
  executor?: string;
  startLine?: string;
  endLine?: string;
  report?: Buffer;
  /** `FILE:` (kdk's own cases, as in syzkaller's guilty corpus): the guilty source file. */
  guiltyFile?: string;
}

export interface Case {
  name: string;
  log: Buffer;
  want: Expected;
}

/** Names sorted numerically (syzkaller's names are numbers). */
export function caseNames(sub: 'report' | 'guilty', root = CORPUS): string[] {
  return readdirSync(join(root, sub)).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

/** Splits header block from body at the first empty line; `\r` is stripped as syzkaller does. */
function split(file: string): { headers: string[]; body: Buffer } {
  const raw = Buffer.from(readFileSync(file).toString('latin1').replaceAll('\r', ''), 'latin1');
  // No headers at all: the file starts with the empty line.
  if (raw[0] === 0x0a) return { headers: [], body: raw.subarray(1) };
  const idx = raw.indexOf('\n\n');
  if (idx < 0) return { headers: raw.toString('latin1').split('\n'), body: Buffer.alloc(0) };
  return { headers: raw.subarray(0, idx).toString('latin1').split('\n'), body: raw.subarray(idx + 2) };
}

/** One case file: syzkaller's corpus (`report/NAME`) by default, or any directory of files in its format. */
export function loadReportCase(name: string, dir = join(CORPUS, 'report')): Case {
  const { headers, body } = split(join(dir, name));
  const want: Expected = {
    title: '',
    altTitles: [],
    type: '',
    corrupted: false,
    panicked: false,
    suppressed: false,
  };
  for (const h of headers) {
    if (h.startsWith('#') || h === '') continue;
    const colon = h.indexOf(': ');
    const key = colon < 0 ? h.replace(/:$/, '') : h.slice(0, colon);
    const val = colon < 0 ? '' : h.slice(colon + 2);
    switch (key) {
      case 'TITLE':
        want.title = val;
        break;
      case 'ALT':
        want.altTitles.push(val);
        break;
      case 'TYPE':
        want.type = val;
        break;
      case 'CORRUPTED':
        want.corrupted = val === 'Y';
        break;
      case 'PANICKED':
        want.panicked = val === 'Y';
        break;
      case 'SUPPRESSED':
        want.suppressed = val === 'Y';
        break;
      case 'FRAME':
        want.frame = val;
        break;
      case 'EXECUTOR':
        want.executor = val;
        break;
      case 'START':
        want.startLine = val;
        break;
      case 'END':
        want.endLine = val;
        break;
      case 'FILE':
        want.guiltyFile = val;
        break;
      default:
        throw new Error(`${name}: unknown header ${JSON.stringify(h)}`);
    }
  }
  want.altTitles.sort();
  let log = body;
  const marker = body.indexOf('\nREPORT:\n');
  if (marker >= 0) {
    log = body.subarray(0, marker);
    want.report = body.subarray(marker + '\nREPORT:\n'.length);
  }
  return { name, log, want };
}

const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** Every field the case file gives, as "field: got X, want Y" lines (empty when all agree). */
export function compareCase(c: Case, r: CrashReport | undefined): { titleOk: boolean; diffs: string[] } {
  const w = c.want;
  const diffs: string[] = [];
  const eq = (field: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      diffs.push(`${field}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  };
  eq('title', r?.title ?? '', w.title);
  eq('alt titles', [...(r?.altTitles ?? [])].sort(), w.altTitles);
  eq('type', r?.type ?? '', w.type);
  eq('corrupted', r?.corrupted ?? false, w.corrupted);
  eq('panicked', r?.panicked ?? false, w.panicked);
  eq('suppressed', r?.suppressed ?? false, w.suppressed);
  if (w.frame !== undefined) eq('frame', r?.guiltyFrame, w.frame);
  if (w.guiltyFile !== undefined) eq('guilty file', r?.guiltyFile, w.guiltyFile);
  if (w.executor !== undefined) {
    eq('executor', r?.executor ? `proc=${r.executor.procId}, id=${r.executor.execId}` : undefined, w.executor);
  }
  if (w.report !== undefined) eq('report text', latin1(r?.text ?? ''), w.report.toString('latin1'));
  const lineAt = (from: number): string => c.log.subarray(from).toString('latin1').split('\n')[0];
  if (w.startLine !== undefined) eq('start', r ? lineAt(r.start) : undefined, w.startLine);
  if (w.endLine !== undefined) {
    eq('end', r ? c.log.subarray(0, r.end).toString('latin1').split('\n').pop() : undefined, w.endLine);
  }
  return { titleOk: (r?.title ?? '') === w.title, diffs };
}

export function loadGuiltyCase(name: string): { name: string; file: string; log: Buffer } {
  const { headers, body } = split(join(CORPUS, 'guilty', name));
  const file = headers.find((h) => h.startsWith('FILE: '));
  if (!file) throw new Error(`guilty/${name}: no FILE header`);
  return { name, file: file.slice(6), log: body };
}
