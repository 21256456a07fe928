// Adversarial inputs for regular expressions: long lines made of a pattern's own literal fragments, in
// the orders that make a backtracking engine try every split (a prefix that matches, a tail that never
// does). Used by the test that keeps every compiled rule linear in the line length.

const SAMPLES: Record<string, string> = {
  d: '1',
  D: 'x',
  s: ' ',
  S: 'x',
  w: 'a',
  W: ' ',
  n: '\n',
  t: '\t',
};

/** The literal runs of a regex source (escapes resolved; a class or shorthand gives one sample char). */
export function literalFragments(src: string): string[] {
  const out: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run !== '') out.push(run);
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const e = src[++i] ?? '';
      if (e in SAMPLES) {
        flush();
        out.push(SAMPLES[e]);
      } else run += e;
    } else if (c === '[') {
      flush();
      let j = i + 1;
      if (src[j] === '^') j++;
      const first = src[j] === '\\' ? (SAMPLES[src[j + 1]] ?? src[j + 1]) : src[j];
      // Skip to the closing bracket (escaped brackets inside stay inside).
      let k = j + 1;
      while (k < src.length && src[k] !== ']') k += src[k] === '\\' ? 2 : 1;
      if (src[i + 1] !== '^' && first) out.push(first);
      i = k;
    } else if (c === '{' && /^\{\d*,?\d*\}/.test(src.slice(i))) {
      flush();
      i = src.indexOf('}', i);
    } else if ('()|?*+.^$'.includes(c)) {
      flush();
      if (c === '(' && src[i + 1] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>
        i++;
        if (src[i + 1] === '<' && src[i + 2] !== '=' && src[i + 2] !== '!') i = src.indexOf('>', i);
        else i += src[i + 1] === '<' ? 2 : 1;
      }
    } else run += c;
  }
  flush();
  return out;
}

function repeatTo(unit: string, len: number): string {
  if (unit === '') return '';
  return unit.repeat(Math.ceil(len / unit.length)).slice(0, len);
}

/** Long single lines (and a many-line text) from the fragments: every prefix of the fragment sequence
 * repeated, each fragment repeated, and the first fragment followed by repeats of the rest without the
 * last one (the shape that made `WARNING: .*mm/.*\.c.* k?.?malloc` cubic). */
export function adversarialInputs(src: string, len = 4096): string[] {
  const frags = literalFragments(src).filter((f) => f !== '\n');
  const inputs = new Set<string>();
  const firstLine = (s: string): string => s.split('\n')[0];
  for (let k = 1; k <= frags.length; k++) {
    const head = frags.slice(0, k);
    inputs.add(firstLine(repeatTo(head.join(''), len)));
    inputs.add(firstLine(repeatTo(head.join(' '), len)));
    inputs.add(firstLine(frags[0] + repeatTo(head.slice(1).join(''), len)));
  }
  for (const f of frags) inputs.add(firstLine(repeatTo(f, len)));
  if (frags.length > 1) {
    const body = frags.slice(1, -1).join('');
    inputs.add(firstLine(frags[0] + repeatTo(body || frags[0], len)));
  }
  // Many lines each starting what the pattern wants: multi-line patterns ((?:.*\n)+?) retry per line.
  const lineUnit = frags.slice(0, Math.max(1, frags.length - 1)).join('');
  inputs.add(Array.from({ length: Math.ceil(len / Math.max(1, lineUnit.length)) }, () => lineUnit).join('\n'));
  return [...inputs].filter((s) => s.length > 0);
}

/** Every RegExp reachable from a module's exports (objects, arrays, nested), named by its path. */
export function collectRegExps(root: Record<string, unknown>): [string, RegExp][] {
  const out: [string, RegExp][] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, name: string): void => {
    if (v instanceof RegExp) {
      out.push([name, v]);
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) for (const [k, x] of v) walk(x, `${name}[${String(k)}]`);
    else for (const [k, x] of Object.entries(v)) walk(x, `${name}.${k}`);
  };
  for (const [k, v] of Object.entries(root)) walk(v, k);
  return out;
}
