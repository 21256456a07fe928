// The CVE team's `.dyad` files: one `vulnerable-version:vulnerable-commit:fixed-version:fixed-commit` line per
// branch. `0:0` as either half means unknown (vulnerable since the beginning) or never fixed on that branch.
import { excerpt } from '../util/text.js';
import { parseVersion, type Version } from './version.js';

export interface DyadLine {
  /** undefined: `0:0`, the commit that brought the bug is unknown (vulnerable since the beginning). */
  vuln?: Version;
  vulnCommit: string;
  /** undefined: `0:0`, the branch of `vuln` never got a fix. */
  fix?: Version;
  fixCommit: string;
}

export interface Problem {
  file: string;
  line?: number;
  message: string;
}

const COMMIT_RE = /^(?:0|[0-9a-f]{7,40})$/;

function half(version: string, commit: string): { v?: Version; ok: boolean } {
  if (!COMMIT_RE.test(commit)) return { ok: false };
  if (version === '0') return { ok: commit === '0' };
  const v = parseVersion(version);
  return { v, ok: v !== undefined && commit !== '0' };
}

/** Parse one dyad file; malformed lines become problems (file and line named) and are skipped. */
export function parseDyad(text: string, file: string, problems: Problem[]): DyadLine[] {
  const out: DyadLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(':');
    const vuln = parts.length === 4 ? half(parts[0], parts[1]) : { ok: false };
    const fix = parts.length === 4 ? half(parts[2], parts[3]) : { ok: false };
    if (!vuln.ok || !fix.ok || (!vuln.v && !fix.v)) {
      problems.push({ file, line: i + 1, message: `malformed dyad line ${excerpt(line)}` });
      continue;
    }
    out.push({ vuln: vuln.v, vulnCommit: parts[1], fix: fix.v, fixCommit: parts[3] });
  }
  return out;
}
