// Upstream bugs a distro bug can be: syzbot's (imported from its public JSON) and the kernel CVE records that
// quote a crash title. Both are matched to distro bugs on one key: gap's normalised crash title.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { normaliseTitle, type CveIndex } from '../gap/index.js';
import { inputError } from '../util/errors.js';
import { parseJsonSyntax } from '../util/json-file.js';

export interface UpstreamBug {
  /** `syzbot:<id>` or `cve:<CVE id>:<n>`. */
  id: string;
  source: 'syzbot' | 'cve';
  title: string;
  status: 'open' | 'fixed';
  matchKey: string;
  fixCommits: { hash?: string; title: string; repo?: string; branch?: string; link?: string }[];
  link?: string;
}

/** The key a title is matched on: gap's normalised title without the `(N)` suffix, else the exact title. */
export function matchKey(title: string): string {
  const base = title.replace(/ \(\d+\)$/, '');
  return normaliseTitle(base) ?? `=${base}`;
}

// syzbot's public JSON (dashboard/api in google/syzkaller): a bug list page is a BugGroup, a bug page a Bug.
const Commit = z.object({
  title: z.string(),
  link: z.string().optional(),
  hash: z.string().optional(),
  repo: z.string().optional(),
  branch: z.string().optional(),
});
const SyzBug = z.object({
  version: z.number().optional(),
  title: z.string().min(1),
  id: z.string().optional(),
  link: z.string().optional(),
  'fix-commits': z.array(Commit).optional(),
  crashes: z.array(z.object({ title: z.string() }).passthrough()).optional(),
});
const BugGroup = z.object({ version: z.number(), Bugs: z.array(SyzBug) });

const idFromLink = (link?: string) => link?.match(/[?&](?:extid|id)=([\w-]+)/)?.[1];

/**
 * The bugs of a syzbot JSON document (a bug list, one bug, or an array of bugs). `status` overrides the one
 * inferred (fixed when fix commits are listed): syzbot's lists are per status and do not say which.
 */
export function parseSyzbot(json: unknown, file: string, status?: 'open' | 'fixed'): UpstreamBug[] {
  // Told apart by shape first, so an error names the field of the shape meant, not a union's "invalid input".
  const schema = Array.isArray(json)
    ? z.array(SyzBug)
    : typeof json === 'object' && json !== null && 'Bugs' in json
      ? BugGroup
      : SyzBug;
  const r = (
    schema as z.ZodType<z.infer<typeof BugGroup> | z.infer<typeof SyzBug> | z.infer<typeof SyzBug>[]>
  ).safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw inputError(`not syzbot's public JSON: ${i.path.join('.') || '(root)'}: ${i.message}`, file);
  }
  const bugs = Array.isArray(r.data) ? r.data : 'Bugs' in r.data ? r.data.Bugs : [r.data];
  return bugs.map((b, i) => {
    const fixes = b['fix-commits'] ?? [];
    const id = b.id ?? idFromLink(b.link) ?? `${file}#${i}`;
    return {
      id: `syzbot:${id}`,
      source: 'syzbot' as const,
      title: b.title,
      status: status ?? (fixes.length ? 'fixed' : 'open'),
      matchKey: matchKey(b.title),
      fixCommits: fixes,
      link: b.link,
    };
  });
}

export function readSyzbotFile(file: string, status?: 'open' | 'fixed'): UpstreamBug[] {
  return parseSyzbot(parseJsonSyntax(readFileSync(file, 'utf8'), file), file, status);
}

/** The CVE records that quote a crash title with a matching key, one upstream bug per quoted crash. */
export function cveUpstreams(index: CveIndex): UpstreamBug[] {
  const out: UpstreamBug[] = [];
  for (const c of index.cves) {
    c.crashes.forEach((q, n) => {
      if (q.keys.length === 0) return;
      out.push({
        id: `cve:${c.id}:${n}`,
        source: 'cve',
        title: q.title,
        status: c.sha1.length ? 'fixed' : 'open',
        matchKey: q.keys[0],
        fixCommits: c.sha1.map((hash) => ({ hash, title: c.summary })),
        link: `https://www.cve.org/CVERecord?id=${c.id}`,
      });
    });
  }
  return out;
}
