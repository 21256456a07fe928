// The CVE 5 JSON records: only the parts kdk uses are validated (zod), the rest may change freely.
import { z } from 'zod';
import { quotedCrashes } from './quoted-crashes.js';

const Affected = z.object({
  programFiles: z.array(z.string()).optional(),
});

export const CveRecordSchema = z.object({
  cveMetadata: z.object({ cveId: z.string().regex(/^CVE-\d{4}-\d{4,}$/) }),
  containers: z.object({
    cna: z.object({
      descriptions: z.array(z.object({ lang: z.string(), value: z.string() })).min(1),
      affected: z.array(Affected).optional(),
    }),
  }),
});

export interface RecordFacts {
  id: string;
  /** The description's subject line (`netfilter: nft_set_rbtree: skip end interval element from gc`). */
  summary: string;
  files: string[];
  crashes: { title: string; keys: string[] }[];
}

/** Facts from one parsed JSON record, or the zod issue text when it does not have the expected shape. */
export function recordFacts(json: unknown): RecordFacts | string {
  const r = CveRecordSchema.safeParse(json);
  if (!r.success) {
    return r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  }
  const cna = r.data.containers.cna;
  const desc = (cna.descriptions.find((d) => d.lang.startsWith('en')) ?? cna.descriptions[0]).value;
  const files = [...new Set((cna.affected ?? []).flatMap((a) => a.programFiles ?? []))];
  const body = desc.replace(/^In the Linux kernel, the following vulnerability has been resolved:\s*/, '');
  return { id: r.data.cveMetadata.cveId, summary: body.split('\n')[0].trim(), files, crashes: quotedCrashes(desc) };
}
