// "Read a JSON file, validate it, or say which file and line is wrong": every JSON file kdk reads from a user or
// another tool goes through here, so the messages are the same everywhere and always name the file (exit 2).
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { inputError } from './errors.js';
import { jsonErrorPlace } from './json-location.js';
import { escapeLine } from './text.js';

export interface JsonFileOptions {
  /** What the file is, for the message: `invalid <what>: field "x": ...` (e.g. 'profile', 'bug.json'). */
  what: string;
  /** The whole prefix instead (`not a kdk probe file`). */
  prefix?: string;
}

/** The 1-based line of the first `"key":` in the text (the field a schema issue names), when there is one. */
function keyLine(text: string, path: PropertyKey[]): number | undefined {
  const key = path.filter((p): p is string => typeof p === 'string').pop();
  if (!key) return undefined;
  const i = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  return i < 0 ? undefined : text.slice(0, i).split('\n').length;
}

/**
 * JSON.parse, or an input error naming the file, line and column where the text stops being JSON. V8's
 * message quotes a few characters of the input as they are (control bytes, escape sequences): it is
 * escaped and cut short before it reaches a terminal. `line` is where a one-line document sits in its file.
 */
export function parseJsonSyntax(text: string, file: string | undefined, prefix = 'not valid JSON', line?: number) {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = escapeLine((err as Error).message.split('\n')[0]).slice(0, 160);
    const at = jsonErrorPlace(text);
    const col = at ? ` (column ${at.col})` : '';
    throw inputError(`${prefix}: ${why}${col}`, file, line ?? at?.line);
  }
}

/** Parse JSON text from `file` and validate it with `schema`; a KdkError naming file and line otherwise. */
export function parseJsonText<S extends z.ZodType>(text: string, file: string, schema: S, opts: JsonFileOptions) {
  const raw = parseJsonSyntax(text, file);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || '(root)';
    const prefix = opts.prefix ?? `invalid ${opts.what}`;
    throw inputError(`${prefix}: field "${field}": ${issue.message}`, file, keyLine(text, issue.path));
  }
  return parsed.data as z.infer<S>;
}

/** Read `file` (an unreadable file is an input error naming it) and validate it as parseJsonText does. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, opts: JsonFileOptions): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw inputError(`cannot read ${opts.what}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(e))}`, file);
  }
  return parseJsonText(text, file, schema, opts);
}
