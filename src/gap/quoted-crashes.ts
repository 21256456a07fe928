// The oops lines quoted in a text (a CVE description, a report's text), each with its matching keys. Which lines
// start a crash is the report stage's knowledge (its oops headers and title starts, its suppressions and its
// "not a new report" lines), not restated here; this module is loaded only where texts are read (index build,
// `gap match`), so that `gap cves` does not load the report stage's rules.
import { oopsLineStarts, startsReport } from '../report/index.js';
import { PREFIX_RE, RIP_RE, fn, genericClass, normaliseTitle, type QuotedCrash } from './crash-title.js';

/**
 * A line that starts an oops report, quoted: a report-stage start after an optional `Oops: `/`watchdog: ` that
 * kernels print before some headers; or two warnings' own first lines (`refcount_t: underflow`, `list_add
 * corruption`), which descriptions quote in place of the WARNING or kernel BUG line after them.
 */
let starts: { any: RegExp; title: RegExp } | undefined;
function isTitle(line: string, inReport: boolean): boolean {
  if (!starts) {
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const all = oopsLineStarts();
    const alt = (xs: string[]) => xs.map(esc).join('|');
    starts = {
      any: new RegExp(
        `^(?:Oops: |watchdog: )?(?:${alt(all.filter((s) => !s.endsWith(' in ')))}|refcount_t: |list_(?:add|del) corruption)`,
      ),
      // A syzkaller-style title (`WARNING in f`) names one function or file and ends there; prose may start so too.
      title: new RegExp(`^(?:${alt(all.filter((s) => s.endsWith(' in ')))})[\\w.:/<>~-]+\\s*$`),
    };
  }
  return (starts.any.test(line) || starts.title.test(line)) && startsReport(line, inReport);
}

/** Every oops title quoted in a text (description or console), each once, with its matching keys. */
export function quotedCrashes(text: string): QuotedCrash[] {
  const lines = text.split('\n');
  const out: QuotedCrash[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const title = lines[i].replace(PREFIX_RE, '').trim();
    if (!isTitle(title, out.length > 0) || /^WARNING: CPU: \d+ PID: \d+ at$/.test(title)) continue;
    if (/^(?:Oops: )+[0-9a-f]{4}\b/.test(title)) continue; // the line after a title, not a title
    const keys = new Set<string>();
    const key = normaliseTitle(title);
    if (key) keys.add(key);
    const cls = genericClass(title);
    if (cls) {
      for (let j = i + 1; j < Math.min(lines.length, i + 25); j++) {
        const rip = RIP_RE.exec(lines[j]);
        if (rip) {
          keys.add(`${cls} in ${fn(rip[1])}`);
          break;
        }
      }
    }
    if (seen.has(title)) continue;
    seen.add(title);
    out.push({ title, keys: [...keys] });
  }
  return out;
}
