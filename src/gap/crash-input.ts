// Crash titles to match, from a report JSON (`{"reports":[{"title":...}]}`, a CrashReport, or a list of them)
// or from a raw console log (the oops lines in it, with the RIP line completing generic titles).
import { readFileSync } from 'node:fs';
import { inputError } from '../util/errors.js';
import { quotedCrashes } from './crash-title.js';
import type { CrashInput } from './match.js';

interface ReportLike {
  title?: unknown;
  altTitles?: unknown;
  text?: unknown;
}

function fromReport(r: ReportLike, file: string, i: number): CrashInput {
  if (typeof r.title !== 'string' || r.title === '') throw inputError(`report ${i}: no "title" string`, file);
  const alt = Array.isArray(r.altTitles) ? r.altTitles.filter((t): t is string => typeof t === 'string') : [];
  const fromText = typeof r.text === 'string' ? quotedCrashes(r.text).flatMap((q) => q.keys) : [];
  return { title: r.title, keys: [...alt, ...fromText] };
}

export function crashesFromFile(file: string): CrashInput[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw inputError(`cannot read ${file}`);
  }
  if (/^\s*[[{]/.test(text)) {
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
  return consoleCrashes(text);
}

/** Crash titles of a console log. */
export function consoleCrashes(log: string): CrashInput[] {
  return quotedCrashes(log.replace(/\r/g, '')).map((q) => ({ title: q.title, keys: q.keys }));
}
