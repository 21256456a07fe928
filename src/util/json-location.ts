// Where a JSON text stops being valid, as a 1-based line: Node 20's JSON.parse often reports no position,
// and errors must name the file and line. A small scan that only validates syntax.
export function jsonErrorLine(text: string): number | undefined {
  const pos = errorAt(text);
  return pos === undefined ? undefined : text.slice(0, pos).split('\n').length;
}

/** The 1-based line and column where a JSON text stops being valid. */
export function jsonErrorPlace(text: string): { line: number; col: number } | undefined {
  const pos = errorAt(text);
  if (pos === undefined) return undefined;
  const before = text.slice(0, pos);
  return { line: before.split('\n').length, col: pos - before.lastIndexOf('\n') };
}

const LITERAL = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/;

/**
 * Where the syntax first fails, or undefined when it does not. Iterative, with the open containers on an
 * explicit stack: a hostile file of 100,000 `[` must not overflow the call stack (it did: exit 70).
 */
function errorAt(text: string): number | undefined {
  let i = 0;
  const closers: string[] = [];
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): boolean => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') return false;
    i++;
    return true;
  };
  const key = (): boolean => {
    ws();
    if (text[i] !== '"' || !str()) return false;
    ws();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  for (;;) {
    // A value starts here.
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      ws();
      const close = c === '{' ? '}' : ']';
      if (text[i] === close) i++;
      else {
        closers.push(close);
        if (close === '}' && !key()) return i;
        continue;
      }
    } else if (c === '"') {
      if (!str()) return i;
    } else {
      const m = LITERAL.exec(text.slice(i, i + 64));
      if (!m) return i;
      i += m[0].length;
    }
    // After a value: close containers, or go on to the next element of the innermost one.
    for (;;) {
      ws();
      if (closers.length === 0) return i < text.length ? i : undefined;
      const top = closers[closers.length - 1];
      if (text[i] === ',') {
        i++;
        if (top === '}' && !key()) return i;
        break;
      }
      if (text[i] !== top) return i;
      i++;
      closers.pop();
    }
  }
}
