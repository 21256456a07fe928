// C number parsing as kconfig uses it (strtoll/strtoull and expr_parse_string), with 64-bit clamping,
// so comparisons like `NR_CPUS > 64` or hex ranges give the C tool's answers for every input.
import type { SymType } from './model.js';

export type NumKind = 'string' | 'signed' | 'unsigned';

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);
const ULLONG_MAX = (1n << 64n) - 1n;

interface CParse {
  value: bigint;
  tail: number;
  erange: boolean;
}

const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r');

function digitVal(c: string): number {
  const d = parseInt(c, 36);
  return Number.isNaN(d) ? 99 : d;
}

/** strtoll/strtoull: returns the magnitude-applied value, where parsing stopped, and overflow. */
function cParse(str: string, base: number, unsigned: boolean): CParse {
  let i = 0;
  while (i < str.length && isSpace(str[i])) i++;
  let neg = false;
  if (str[i] === '+' || str[i] === '-') {
    neg = str[i] === '-';
    i++;
  }
  if (
    (base === 0 || base === 16) &&
    str[i] === '0' &&
    (str[i + 1] === 'x' || str[i + 1] === 'X') &&
    digitVal(str[i + 2] ?? '') < 16
  ) {
    i += 2;
    base = 16;
  } else if (base === 0) base = str[i] === '0' ? 8 : 10;
  const start = i;
  let v = 0n;
  const b = BigInt(base);
  while (i < str.length && digitVal(str[i]) < base) {
    v = v * b + BigInt(digitVal(str[i]));
    i++;
  }
  if (i === start) return { value: 0n, tail: 0, erange: false };
  let erange = false;
  if (unsigned) {
    if (v > ULLONG_MAX) {
      erange = true;
      v = ULLONG_MAX;
    } else if (neg) v = BigInt.asUintN(64, -v);
  } else {
    if (neg) v = -v;
    if (v > LLONG_MAX) {
      erange = true;
      v = LLONG_MAX;
    } else if (v < LLONG_MIN) {
      erange = true;
      v = LLONG_MIN;
    }
  }
  return { value: v, tail: i, erange };
}

/**
 * expr_parse_string(): how a comparison operand is read for the symbol's type.
 * With `loose`, acts as plain strtoll/strtoull (used for ranges), never reporting 'string'.
 */
export function parseCLong(str: string, type: SymType, loose = false): [NumKind, bigint] {
  if (type === 'bool' || type === 'tristate') {
    return ['signed', str === 'n' ? 0n : str === 'm' ? 1n : str === 'y' ? 2n : -1n];
  }
  let r: CParse;
  let kind: NumKind;
  if (type === 'int') {
    r = cParse(str, 10, false);
    kind = 'signed';
  } else if (type === 'hex') {
    r = cParse(str, 16, true);
    kind = 'unsigned';
  } else {
    r = cParse(str, 0, false);
    kind = 'signed';
  }
  if (loose) return [kind, r.value];
  const last = r.tail > 0 ? str[r.tail - 1] : '';
  const ok = !r.erange && r.tail === str.length && r.tail > 0 && /[0-9a-fA-F]/.test(last);
  return [ok ? kind : 'string', r.value];
}

/** strtoll(str, NULL, base) with glibc's clamping on overflow. */
export function strtoll(str: string, base: 10 | 16): bigint {
  return cParse(str, base, false).value;
}
