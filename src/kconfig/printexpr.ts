// Expressions printed as the C tool prints them (expr_print), and the symbols they mention.
import type { Expr, Sym } from './model.js';

const PREC: Record<string, number> = { or: 1, and: 2, not: 3, cmp: 4, sym: 5 };

/** `value`, when given, annotates each symbol as conf's warnings do: `FOO [=y]`. */
export function exprToString(e: Expr | null, parent = 0, value?: (s: Sym) => string | undefined): string {
  if (!e) return 'y';
  const me = PREC[e.k];
  const name = (x: Sym): string => {
    const v = value?.(x);
    return v === undefined ? x.displayName : `${x.displayName} [=${v}]`;
  };
  let s: string;
  switch (e.k) {
    case 'sym':
      s = name(e.s);
      break;
    case 'not':
      s = '!' + exprToString(e.e, me, value);
      break;
    case 'cmp':
      s = `${name(e.l)}${e.op}${name(e.r)}`;
      break;
    default:
      s = `${exprToString(e.l, me, value)} ${e.k === 'and' ? '&&' : '||'} ${exprToString(e.r, me, value)}`;
  }
  return parent > me || (parent === PREC.not && e.k !== 'sym' && e.k !== 'not') ? `(${s})` : s;
}

/** The non-constant symbols an expression mentions, in first-seen order. */
export function exprSymbols(e: Expr | null, out: Sym[] = []): Sym[] {
  if (!e) return out;
  const add = (s: Sym): void => {
    if (s.name !== null && s.name !== 'y' && s.name !== 'm' && s.name !== 'n' && !(s.flags & 1) && !out.includes(s))
      out.push(s);
  };
  switch (e.k) {
    case 'sym':
      add(e.s);
      break;
    case 'not':
      exprSymbols(e.e, out);
      break;
    case 'cmp':
      add(e.l);
      add(e.r);
      break;
    default:
      exprSymbols(e.l, out);
      exprSymbols(e.r, out);
  }
  return out;
}

/** The OR-terms of an expression (rev_dep is `A && depA || B && depB ...`). */
export function orTerms(e: Expr | null, out: Expr[] = []): Expr[] {
  if (!e) return out;
  if (e.k === 'or') {
    orTerms(e.l, out);
    orTerms(e.r, out);
  } else out.push(e);
  return out;
}

/** Drop the constant-y/m-free conjunct duplicates so long propagated dependencies read well. */
export function andTerms(e: Expr | null, out: Expr[] = []): Expr[] {
  if (!e) return out;
  if (e.k === 'and') {
    andTerms(e.l, out);
    andTerms(e.r, out);
  } else if (!out.some((o) => exprToString(o) === exprToString(e))) out.push(e);
  return out;
}
