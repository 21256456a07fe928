// libabigail's leaf-changes report (`abidiff --leaf-changes-only --impacted-interfaces`, what kmidiff prints by
// default) read into data: each changed type with a one-line summary and the exported interfaces it reaches, and
// each function or variable whose own declaration changed, was added or removed. The text is another program's
// output about binaries kdk did not build: sizes are bounded, every line is cut short, nothing is trusted to be
// well formed (an unrecognised line is counted, not fatal), and the names kept are only what a symbol can be.

/** A type libabigail reports as changed (a "leaf" change: the change itself, not each path to it). */
export interface AbigailTypeChange {
  /** The type as libabigail names it: `struct cred`, `enum mode`, `typedef foo_t`. */
  type: string;
  /** Where the old type was declared (`include/linux/cred.h:110:1`), when given. */
  where?: string;
  /** A short account of the change: `size 1344 -> 1536 bits, 3 data members inserted`. */
  summary: string;
  /** The report's lines about it, indentation kept, at most MAX_DETAILS. */
  details: string[];
  /** The symbols of the exported functions and variables the change reaches (libabigail's impacted interfaces). */
  impacted: string[];
}

/** A function or variable reported on its own: removed, added, or its declaration changed (a parameter type). */
export interface AbigailSymbolChange {
  symbol: string;
  kind: 'removed' | 'added' | 'changed';
  what: 'function' | 'variable';
  /** The declaration as libabigail prints it (`function int commit_creds(cred*)`). */
  declaration: string;
  /** For a changed one: what changed, from its first lines. */
  summary?: string;
  details: string[];
}

export interface AbigailReport {
  types: AbigailTypeChange[];
  symbols: AbigailSymbolChange[];
  /** The summary lines at the top (`Leaf changes summary: 1 artifact changed`...). */
  summaryLines: string[];
  /** Non-blank lines the parser did not recognise (a newer libabigail's wording): counted, a few kept. */
  unrecognised: number;
  unrecognisedSample: string[];
}

/** Limits on what is read: libabigail's report on a kernel is some 100 KB; anything far beyond is refused. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;
const MAX_LINE = 1000;
const MAX_DETAILS = 40;
const MAX_SAMPLE = 10;
/** A symbol name as the kernel's symbol tables hold one (what Module.symvers accepts, too). */
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_.$]*$/;

const count = (w: string) => (w === 'one' ? 1 : Number(w));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A detail line of a type's block turned into a summary phrase, or undefined when it adds nothing. */
function phrase(line: string): string | undefined {
  let m = /^type size changed from (\d+) to (\d+) \(in bits\)$/.exec(line);
  if (m) return `size ${m[1]} -> ${m[2]} bits`;
  if (/^type size hasn't changed$/.test(line)) return undefined;
  m = /^type alignment changed from (\d+) to (\d+)$/.exec(line);
  if (m) return `alignment ${m[1]} -> ${m[2]}`;
  m = /^type name changed from '(.*)' to '(.*)'$/.exec(line);
  if (m) return `renamed ${m[1]} -> ${m[2]}`;
  m =
    /^(\d+|one) (data member|enumerator|base class|member function|member type)( insertion| deletion| change)s?:$/.exec(
      line,
    );
  if (m) {
    const verb = { ' insertion': 'inserted', ' deletion': 'deleted', ' change': 'changed' }[m[3]]!;
    return `${plural(count(m[1]), m[2])} ${verb}`;
  }
  if (/^there are data member changes:$/.test(line)) return 'data members changed';
  return line.replace(/:$/, '');
}

/** The symbol an impacted-interface or declaration line names: the identifier before a function's parameter
 * list, or at the end of a variable's declarator (array bounds dropped). */
export function declaredName(decl: string): string | undefined {
  let s = decl.trim();
  const isFunction = s.startsWith('function ');
  while (/\[[^[\]]*\]$/.test(s)) s = s.replace(/\[[^[\]]*\]$/, '').trimEnd();
  if (isFunction) {
    if (!s.endsWith(')')) return undefined;
    // Drop the balanced parameter list at the end.
    let depth = 0;
    let i = s.length - 1;
    for (; i >= 0; i--) {
      if (s[i] === ')') depth++;
      else if (s[i] === '(' && --depth === 0) break;
    }
    if (i < 0) return undefined;
    s = s.slice(0, i).trimEnd();
  }
  const m = /([A-Za-z_][A-Za-z0-9_.$]*)$/.exec(s);
  return m && SYMBOL.test(m[1]) ? m[1] : undefined;
}

const indentOf = (l: string) => l.length - l.trimStart().length;

/** Parse libabigail's leaf-changes report. Never throws on odd text; refuses only an oversized one. */
export function parseAbigailReport(text: string): AbigailReport {
  if (text.length > MAX_REPORT_BYTES) throw new Error(`libabigail's report is over ${MAX_REPORT_BYTES} bytes`);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '').slice(0, MAX_LINE));
  const report: AbigailReport = { types: [], symbols: [], summaryLines: [], unrecognised: 0, unrecognisedSample: [] };
  const odd = (l: string) => {
    report.unrecognised++;
    if (report.unrecognisedSample.length < MAX_SAMPLE) report.unrecognisedSample.push(l);
  };
  let section: { kind: AbigailSymbolChange['kind']; what: AbigailSymbolChange['what'] } | undefined;
  let type: AbigailTypeChange | undefined;
  let inImpacted = false;
  let sym: AbigailSymbolChange | undefined;
  const phrases: string[] = [];
  const closeType = () => {
    if (type) type.summary = phrases.join(', ') || 'changed';
    type = undefined;
    inImpacted = false;
    phrases.length = 0;
  };
  for (const line of lines) {
    if (!line.trim()) continue;
    const indent = indentOf(line);
    const body = line.trim();
    if (indent === 0) {
      closeType();
      sym = undefined;
      section = undefined;
      let m = /^'(.+?)(?: at ([^' ]+:\d+(?::\d+)?))?' changed:$/.exec(body);
      if (m) {
        type = { type: m[1], where: m[2], summary: '', details: [], impacted: [] };
        report.types.push(type);
        continue;
      }
      if (/^[A-Za-z/ ]+ summary: /.test(body)) {
        report.summaryLines.push(body);
        continue;
      }
      m =
        /^(\d+|one) (Removed|Added|Changed)? ?(functions?|variables?)( with some (?:indirect )?sub-type changes?)?:$/.exec(
          body,
        );
      if (m && (m[2] || m[4])) {
        const kind = m[4] || m[2] === 'Changed' ? 'changed' : m[2] === 'Removed' ? 'removed' : 'added';
        section = { kind, what: m[3].startsWith('function') ? 'function' : 'variable' };
        continue;
      }
      odd(body);
      continue;
    }
    if (type) {
      if (indent <= 2 && /^(\d+|one) impacted interfaces?:$/.test(body)) {
        inImpacted = true;
        continue;
      }
      if (inImpacted && indent >= 4) {
        const name = declaredName(body);
        if (name) type.impacted.push(name);
        else odd(body);
        continue;
      }
      inImpacted = false;
      if (type.details.length < MAX_DETAILS) type.details.push(line);
      if (indent <= 2) {
        const p = phrase(body);
        if (p && phrases.length < 8) phrases.push(p);
      }
      continue;
    }
    if (section) {
      const m =
        /^\[([ADC])\] '(.*?)'(?: at \S+)?(?: (?:has some (?:indirect )?sub-type changes|was changed(?: at \S+)?):)?(?:\s+\{([^}]*)\})?$/.exec(
          body,
        );
      if (m && indent <= 2) {
        const symbol = m[3] && SYMBOL.test(m[3]) ? m[3] : declaredName(m[2]);
        if (!symbol) {
          odd(body);
          sym = undefined;
          continue;
        }
        sym = { symbol, kind: section.kind, what: section.what, declaration: m[2], details: [] };
        report.symbols.push(sym);
        continue;
      }
      if (sym && indent > 2) {
        // The summary: the outermost lines (`return type changed, parameter 1 of type 'int' changed`), up to 3.
        const outer = sym.details.length === 0 || indent <= indentOf(sym.details[0]);
        if (sym.details.length < MAX_DETAILS) sym.details.push(line);
        const parts = sym.summary ? sym.summary.split(', ') : [];
        if (outer && parts.length < 3) sym.summary = [...parts, body.replace(/:$/, '')].join(', ');
        continue;
      }
    }
    odd(body);
  }
  closeType();
  return report;
}
