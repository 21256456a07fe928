// Crash → bug, the way syzbot's dashboard does it: a bug is keyed by its title; a crash whose title or one of
// its alternative titles already names an open bug joins that bug (so alt titles merge bugs); a title seen again
// after its bug was fixed (or closed as invalid) opens `TITLE (2)`, `TITLE (3)`...; a corrupted report may join a
// bug its title names but never opens one (its title is not trusted).
export type BugStatus = 'open' | 'fixed' | 'invalid';

export interface KnownBug {
  id: number;
  title: string;
  baseTitle: string;
  seq: number;
  status: BugStatus;
}

export interface CrashTitles {
  title: string;
  altTitles: string[];
  corrupted: boolean;
  suppressed?: boolean;
}

export type Placement =
  /** Join `bugId`; `titles` are the crash's titles to point at it from now on. */
  | { kind: 'attach'; bugId: number; titles: string[] }
  | { kind: 'new'; title: string; baseTitle: string; seq: number; titles: string[] }
  | { kind: 'unattached'; reason: string };

/** The titles a crash may be known by: its own first, then its alternatives, each once. */
export function crashTitles(c: CrashTitles): string[] {
  return [...new Set([c.title, ...c.altTitles].map((t) => t.trim()).filter(Boolean))];
}

export const titleWithSeq = (base: string, seq: number) => (seq > 1 ? `${base} (${seq})` : base);

/**
 * Where a crash goes, given the bug each of its titles currently names (`current`: title → the newest bug of
 * that title). Titles that name no open bug, or a closed one, are handed over to the bug the crash joins.
 */
export function placeCrash(c: CrashTitles, current: Map<string, KnownBug>): Placement {
  if (c.suppressed) return { kind: 'unattached', reason: 'suppressed (the harness, not the kernel)' };
  const titles = crashTitles(c);
  if (titles.length === 0) return { kind: 'unattached', reason: 'no title' };
  const open = titles.map((t) => current.get(t)).find((b) => b?.status === 'open');
  const handOver = (bugId: number) => titles.filter((t) => current.get(t)?.id !== bugId);
  if (open) return { kind: 'attach', bugId: open.id, titles: c.corrupted ? [] : handOver(open.id) };
  if (c.corrupted) return { kind: 'unattached', reason: 'corrupted report names no open bug' };
  const closed = current.get(titles[0]);
  const baseTitle = closed?.baseTitle ?? titles[0];
  const seq = closed ? closed.seq + 1 : 1;
  return { kind: 'new', title: titleWithSeq(baseTitle, seq), baseTitle, seq, titles };
}
