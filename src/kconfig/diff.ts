// `config diff`: the symbol-level difference of two .config files (values, not lines).
// A file can be hostile (a million lines, a million symbols): each side is kept as positions into its text
// (typed arrays, about 24 bytes an assignment) rather than a string and an object per line, sorted by name
// once, and the difference is produced in symbol order as it is walked, so the caller can stream it.
import { eachLine, parseConfigLines, scanConfigLine, unescapeString, type AssignmentSpan } from './dotconfig.js';

export interface ConfigDiffEntry {
  symbol: string;
  a: string | null;
  b: string | null;
}

/** The value a .config assignment gives, strings unescaped (kept raw when the closing quote is missing). */
function valueOf(raw: string): string {
  const u = raw.startsWith('"') ? unescapeString(raw) : raw;
  return typeof u === 'string' ? u : raw;
}

export function configValues(text: string, file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of parseConfigLines(text, file, () => {})) m.set(a.name, valueOf(a.value));
  return m;
}

/**
 * One file's assignments in file order, as offsets into its text (grown by doubling). A value starts just past
 * its name's '='; valueEnd is -1 for `is not set`.
 */
class Assignments {
  count = 0;
  nameStart = new Int32Array(1024);
  nameEnd = new Int32Array(1024);
  valueEnd = new Int32Array(1024);

  constructor(readonly text: string) {
    const at: AssignmentSpan = { nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0 };
    eachLine(text, (start, end) => {
      if (scanConfigLine(text, start, end, at) === 'assign') this.push(at);
    });
  }

  private push(at: AssignmentSpan): void {
    if (this.count === this.nameStart.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.nameStart = grow(this.nameStart);
      this.nameEnd = grow(this.nameEnd);
      this.valueEnd = grow(this.valueEnd);
    }
    const i = this.count++;
    this.nameStart[i] = at.nameStart;
    this.nameEnd[i] = at.nameEnd;
    this.valueEnd[i] = at.valueStart < 0 ? -1 : at.valueEnd;
  }

  name(i: number): string {
    return this.text.slice(this.nameStart[i], this.nameEnd[i]);
  }

  value(i: number): string {
    return this.valueEnd[i] < 0 ? 'n' : valueOf(this.text.slice(this.nameEnd[i] + 1, this.valueEnd[i]));
  }

  /**
   * The assignment that decides each symbol (the last one, as in conf_read_simple), sorted by name in UTF-16
   * code unit order (what `Array.prototype.sort` gives strings). The first six characters are packed into one
   * number that never orders two names against their true order, so most comparisons never walk the strings.
   */
  finalSorted(): Int32Array {
    const n = this.count;
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) key[i] = this.prefixKey(i);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // Ties (the same symbol assigned again) go by position, so the last assignment ends each run.
    mergeSort(order, (x, y) => key[x] - key[y] || compareSpans(this, x, this, y) || x - y);
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const x = order[k];
      const y = order[k + 1];
      if (k + 1 === n || key[x] !== key[y] || compareSpans(this, x, this, y) !== 0) order[kept++] = x;
    }
    return order.subarray(0, kept);
  }

  /**
   * The name's first six UTF-16 units as base-258 digits (0 past the end, unit + 1 up to 0xff), exact below
   * 2^53. A unit above 0xff (only in utf8-read text) is digit 257, above all of those, and ends the packing:
   * the key then ties names it cannot tell apart, and compareSpans settles them.
   */
  private prefixKey(i: number): number {
    const s = this.nameStart[i];
    const len = this.nameEnd[i] - s;
    let k = 0;
    let j = 0;
    for (; j < 6 && j < len; j++) {
      const c = this.text.charCodeAt(s + j);
      if (c > 0xff) {
        k = k * 258 + 257;
        j++;
        break;
      }
      k = k * 258 + c + 1;
    }
    for (; j < 6; j++) k *= 258;
    return k;
  }
}

/**
 * Sort `a` by `cmp` (a total order here) with one scratch array of its size: TypedArray.prototype.sort with a
 * comparator copies the elements into two heap arrays of boxed-size slots, four times the memory.
 */
function mergeSort(a: Int32Array, cmp: (x: number, y: number) => number): void {
  const n = a.length;
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const v = a[i];
      let j = i - 1;
      while (j >= lo && cmp(a[j], v) > 0) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }
  let src: Int32Array = a;
  let dst: Int32Array = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = cmp(src[i], src[j]) <= 0 ? src[i++] : src[j++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
}

/** Compare names a[i] and b[j] in UTF-16 code unit order. */
function compareSpans(a: Assignments, i: number, b: Assignments, j: number): number {
  const as = a.nameStart[i];
  const al = a.nameEnd[i] - as;
  const bs = b.nameStart[j];
  const bl = b.nameEnd[j] - bs;
  const n = Math.min(al, bl);
  for (let k = 0; k < n; k++) {
    const d = a.text.charCodeAt(as + k) - b.text.charCodeAt(bs + k);
    if (d) return d;
  }
  return al - bl;
}

/**
 * Symbols whose value differs, in symbol order, produced as they are found; a symbol one side lacks is null
 * ("is not set" counts as n).
 */
export function* diffConfigEntries(aText: string, bText: string): Generator<ConfigDiffEntry> {
  const a = new Assignments(aText);
  const oa = a.finalSorted();
  const b = new Assignments(bText);
  const ob = b.finalSorted();
  let i = 0;
  let j = 0;
  while (i < oa.length || j < ob.length) {
    const c = i === oa.length ? 1 : j === ob.length ? -1 : compareSpans(a, oa[i], b, ob[j]);
    if (c < 0) {
      yield { symbol: a.name(oa[i]), a: a.value(oa[i]), b: null };
      i++;
    } else if (c > 0) {
      yield { symbol: b.name(ob[j]), a: null, b: b.value(ob[j]) };
      j++;
    } else {
      const va = a.value(oa[i]);
      const vb = b.value(ob[j]);
      if (va !== vb) yield { symbol: a.name(oa[i]), a: va, b: vb };
      i++;
      j++;
    }
  }
}

/** The whole difference as an array (small files; `config diff` streams `diffConfigEntries`). */
export function diffConfigs(aText: string, bText: string): ConfigDiffEntry[] {
  return [...diffConfigEntries(aText, bText)];
}

export function formatDiffEntry(e: ConfigDiffEntry): string {
  return e.a === null ? `+${e.symbol} ${e.b}` : e.b === null ? `-${e.symbol} ${e.a}` : ` ${e.symbol} ${e.a} -> ${e.b}`;
}

export function formatDiff(d: ConfigDiffEntry[]): string {
  return d.map(formatDiffEntry).join('\n');
}
