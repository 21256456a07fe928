// HTML for the dashboard, built as strings on the server: every value from the store passes through `esc`
// (crash text is hostile: a console holding `<script>` must show as text). No CDN, no script.
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENTITY[c]);

/** A fragment already escaped: `html` templates splice it in as is. */
export class Html {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

// One function for every value (not a closure per interpolation): a page of 100 bugs splices ~2,000 values.
const part = (x: unknown): string => (x instanceof Html ? x.s : Array.isArray(x) ? x.map(part).join('') : esc(x));

/** Tagged template escaping every interpolation that is not Html (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A table cell with a tooltip (`title`): the value is escaped as any other. */
export class Cell {
  constructor(
    readonly value: unknown,
    readonly title: string,
  ) {}
}

/** A table: its header, then a row per item; a cell is a value (escaped), Html, or a Cell. */
export function table<T>(items: T[], head: string[], cells: (item: T) => unknown[], id?: string): Html {
  return html`<table${new Html(id ? ` id="${esc(id)}"` : '')}>
    <thead>
      <tr>
        ${head.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (x) =>
          html`<tr>
            ${cells(x).map((c) => (c instanceof Cell ? html`<td title="${c.title}">${c.value}</td>` : html`<td>${c}</td>`))}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4}pre{background:#f8f8f8;padding:8px;overflow:auto;max-height:40em}
nav a{margin-right:1em}.missing{color:#b00;font-weight:bold}.present{color:#070}.small{color:#666;font-size:12px}
form{margin:1em 0}input,select{font:inherit;padding:2px 4px}`;

export function page(title: string, body: Html): string {
  return (
    '<!doctype html>' +
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <nav>
          <a href="/">bugs</a><a href="/builds">builds</a><a href="/runs">runs</a><a href="/sweep">sweep</a
          ><a href="/flavours">flavours</a><a href="/compare">kernel A vs B</a>
        </nav>
        <h1>${title}</h1>
        ${body}
      </body>
    </html>`.s
  );
}
