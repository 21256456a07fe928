// Text kdk did not write (commit subjects, CVE descriptions, bundle titles, lines of a malformed file) made
// safe to show: on a terminal no escape sequence survives (a title could otherwise move the cursor, retitle
// the window or hide the lines around it), in Markdown no character opens markup or breaks a table, and a
// quoted excerpt is short.

/** C0 and C1 controls, DEL, and the bidirectional-override and zero-width characters that reorder or hide text. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const hex = (c: string): string => {
  const n = c.codePointAt(0)!;
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
};

/** For a terminal (or any log line): every control and invisible formatting character as a visible `\xNN`;
 * tabs and newlines stay (they only lay out text). */
export function escapeTerminal(s: string): string {
  return s.replace(UNSAFE, hex);
}

/** One line for a terminal: newlines and tabs escaped too. */
export function escapeLine(s: string): string {
  return escapeTerminal(s).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** For Markdown text and table cells: controls escaped, one line, and backslash-escaped every character that
 * opens inline markup (code, emphasis, links, HTML) or ends a table cell. An underscore inside a word opens
 * nothing (`nft_set_rbtree.c` stays readable). */
export function escapeMarkdown(s: string): string {
  // Markup first: the `\xNN` the line escaping adds must keep its single backslash (Markdown shows it as is).
  const marked = s.replace(/[\\`*[\]<>|~]/g, '\\$&').replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
  return escapeLine(marked);
}

/** A short excerpt of hostile text, quoted and escaped (at most `max` characters of it, then `...`). */
export function excerpt(s: string, max = 40): string {
  const cut = [...s].length > max ? [...s].slice(0, max).join('') + '...' : s;
  return `"${escapeLine(cut).replace(/"/g, '\\"')}"`;
}
