// Config fragments merged the way scripts/kconfig/merge_config.sh -m merges them (a fragment's symbols
// are deleted from the accumulated file, then the fragment is appended: later wins), evaluated, and
// reported: every requested value that did not stick and every base value that changed, with reasons.
import type { KconfigTree } from './tree.js';
import { parseConfigText } from './tree.js';
import type { ConfigAssignment } from './dotconfig.js';
import { unescapeString } from './dotconfig.js';
import { explainMismatch, type ConfigReport } from './merge-report.js';

export interface ConfigText {
  name: string;
  text: string;
}

const DEF_RE = /^CONFIG_([a-zA-Z0-9_]*)=.*/;
const UNSET_RE = /^# CONFIG_([a-zA-Z0-9_]*) is not set$/;

/** The symbols a fragment sets, as merge_config.sh's two sed expressions find them. */
export function fragmentSymbols(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = DEF_RE.exec(line) ?? UNSET_RE.exec(line);
    if (m) out.push('CONFIG_' + m[1]);
  }
  return out;
}

const WORD_RUN = /[a-zA-Z0-9_]+/g;

/**
 * Which lines merge_config.sh's two per-symbol commands would hit, indexed once per merge step instead of
 * running a regex per symbol over every line (quadratic: seconds on Debian's 10k-line hierarchy).
 * `grep -w CFG` hits a line where CFG is a whole word: CFG is all word characters, so exactly a maximal word
 * run equal to CFG. `sed "/CFG[ =]/d"` hits a line holding CFG followed by ' ' or '=' anywhere, also inside a
 * longer word (CONFIG_MY_CONFIG_FOO= contains CONFIG_FOO=): any suffix, starting at "CONFIG_", of a word run
 * that is followed by ' ' or '='.
 */
interface LineIndex {
  words: Map<string, number[]>;
  deletes: Map<string, number[]>;
}

function push(m: Map<string, number[]>, key: string, line: number): void {
  const l = m.get(key);
  if (!l) m.set(key, [line]);
  else if (l[l.length - 1] !== line) l.push(line);
}

function indexLines(lines: string[]): LineIndex {
  const words = new Map<string, number[]>();
  const deletes = new Map<string, number[]>();
  lines.forEach((line, i) => {
    if (!line.includes('CONFIG_')) return;
    for (const m of line.matchAll(WORD_RUN)) {
      const run = m[0];
      push(words, run, i);
      const next = line[m.index + run.length];
      if (next !== ' ' && next !== '=') continue;
      for (let p = run.indexOf('CONFIG_'); p >= 0; p = run.indexOf('CONFIG_', p + 1)) push(deletes, run.slice(p), i);
    }
  });
  return { words, deletes };
}

/** merge_config.sh -m: the merged text (before evaluation). */
export function mergeTexts(base: string, fragments: ConfigText[]): string {
  let merged = base;
  for (const frag of fragments) {
    const lines = merged.split('\n');
    const { words, deletes } = indexLines(lines);
    const alive = new Array<boolean>(lines.length).fill(true);
    for (const cfg of fragmentSymbols(frag.text)) {
      // grep -q -w $CFG || continue, then sed -i "/$CFG[ =]/d": in this order, on what is left so far.
      if (!(words.get(cfg) ?? []).some((i) => alive[i])) continue;
      for (const i of deletes.get(cfg) ?? []) alive[i] = false;
    }
    merged = lines.filter((_, i) => alive[i]).join('\n') + '\n' + frag.text;
  }
  return merged;
}

/** The value an assignment asks for, in .config output form ('y', 'm', 'n', string unquoted). */
function requestedValue(a: ConfigAssignment): string {
  if (a.value === 'n' || a.value[0] === 'n') return 'n';
  const u = unescapeString(a.value);
  return typeof u === 'string' ? u : a.value;
}

function lastByName(list: ConfigAssignment[]): Map<string, ConfigAssignment> {
  const m = new Map<string, ConfigAssignment>();
  for (const a of list) m.set(a.name, a);
  return m;
}

export interface MergeResult {
  config: string;
  report: ConfigReport[];
  warnings: string[];
}

/**
 * Evaluate base + fragments on the tree and report. `base` values that the merge changed are reported
 * with origin 'base'; fragment values that did not stick with origin 'fragment'.
 */
export function mergeAndReport(tree: KconfigTree, base: ConfigText, fragments: ConfigText[]): MergeResult {
  const warnings: string[] = [];
  const merged = mergeTexts(base.text, fragments);
  const mergedAssign = parseConfigText(merged, '.config', (w) => warnings.push(w));
  const read = tree.evaluate(mergedAssign);
  warnings.push(...read.warnings);
  const config = tree.writeConfig();
  const report: ConfigReport[] = [];
  const requestedBy = new Map<string, { a: ConfigAssignment; source: string }>();
  for (const f of fragments)
    for (const a of parseConfigText(f.text, f.name, (w) => warnings.push(w)))
      requestedBy.set(a.name, { a, source: f.name });
  const finalOf = (name: string): string => {
    const s = tree.symbol(name);
    if (!s || s.type === 'unknown') return 'undefined';
    return tree.value(name) ?? 'undefined';
  };
  for (const [name, { a, source }] of requestedBy) {
    const want = requestedValue(a);
    const final = finalOf(name);
    if (final === want) continue;
    report.push({
      symbol: name,
      requested: want,
      final,
      origin: 'fragment',
      source,
      reason: explainMismatch(tree.ev, tree.symbol(name), name, want),
    });
  }
  const baseAssign = lastByName(parseConfigText(base.text, base.name));
  for (const [name, a] of baseAssign) {
    if (requestedBy.has(name)) continue;
    const s = tree.symbol(name);
    if (!s || s.type === 'unknown') continue;
    const was = requestedValue(a);
    const final = finalOf(name);
    if (final === was) continue;
    report.push({
      symbol: name,
      requested: was,
      final,
      origin: 'base',
      source: base.name,
      reason: explainMismatch(tree.ev, s, name, was),
    });
  }
  return { config, report, warnings };
}
