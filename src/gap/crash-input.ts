// Crash titles to match, from a report JSON (`{"reports":[{"title":...}]}`, a CrashReport, or a list of them)
// or from a raw console log (the oops lines in it, with the RIP line completing generic titles).
import { readFileSync } from 'node:fs';
import { inputError } from '../util/errors.js';
import { normaliseTitle, quotedCrashes } from './crash-title.js';
import type { CrashInput } from './match.js';

interface ReportLike {
  title?: unknown;
  altTitles?: unknown;
  text?: unknown;
}

function fromReport(r: ReportLike, file: string, i: number): CrashInput {
  if (typeof r.title !== 'string' || r.title === '') throw inputError(`report ${i}: no "title" string`, file);
  const alt = (Array.isArray(r.altTitles) ? r.altTitles : [])
    .filter((t): t is string => typeof t === 'string')
    .map((t) => normaliseTitle(t))
    .filter((k): k is string => k !== undefined);
  const fromText = typeof r.text === 'string' ? quotedCrashes(r.text).flatMap((q) => q.keys) : [];
  return { title: r.title, keys: [...alt, ...fromText] };
}

export async function crashesFromFile(file: string): Promise<CrashInput[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw inputError(`cannot read ${file}`);
  }
  // A console may start with `[  12.3]`: only a .json name or a leading `{` means a report file.
  if (file.endsWith('.json') || /^\s*\{/.test(text)) return jsonCrashes(text, file);
  return consoleCrashes(text);
}

function jsonCrashes(text: string, file: string): CrashInput[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw inputError(`invalid JSON: ${(err as Error).message}`, file);
  }
  const list = Array.isArray(json) ? json : ((json as { reports?: unknown }).reports ?? [json]);
  if (!Array.isArray(list)) throw inputError('"reports" is not a list', file);
  return list.map((r, i) => fromReport(r as ReportLike, file, i));
}

/**
 * Crash titles of a console log: syzkaller's titles from the report stage's parser, with the keys of the oops
 * lines in each report's text as further keys (a raw `BUG: KASAN: ... in f+0x1/0x2` and its RIP line).
 */
export async function consoleCrashes(log: string): Promise<CrashInput[]> {
  const { parseLog } = await import('../report/index.js'); // only consoles need the report stage's parser
  return parseLog(log).map((r) => fromReport(r, '', 0));
}
