// Which Kconfig symbols a kernel tree defines, and where, from a plain scan of its Kconfig files. Used to tell
// "this option does not exist in this kernel" apart from "it exists but its dependencies are not met", and to
// quote a symbol's `depends on` lines when the evaluator gives no structured reason.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SymbolSite {
  file: string;
  line: number;
  /** `depends on` expressions written in the symbol's own entries (not inherited from menus/ifs). */
  depends: string[];
}

const cache = new Map<string, Map<string, SymbolSite[]>>();

function kconfigFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (e.name !== '.git' && e.name !== 'Documentation') kconfigFiles(join(dir, e.name), out);
    } else if (e.name.startsWith('Kconfig')) out.push(join(dir, e.name));
  }
  return out;
}

export function treeSymbols(tree: string): Map<string, SymbolSite[]> {
  const hit = cache.get(tree);
  if (hit) return hit;
  const out = new Map<string, SymbolSite[]>();
  for (const f of kconfigFiles(tree)) {
    let current: SymbolSite | undefined;
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const m = /^\s*(?:menu)?config\s+([A-Za-z0-9_]+)\s*$/.exec(raw);
        if (m) {
          current = { file: relative(tree, f), line: i + 1, depends: [] };
          out.set(m[1], [...(out.get(m[1]) ?? []), current]);
          return;
        }
        const d = /^\s*depends\s+on\s+(.+?)\s*$/.exec(raw);
        if (d && current) current.depends.push(d[1]);
        else if (/^\s*(choice|endchoice|menu|endmenu|if|endif|source|comment)\b/.test(raw)) current = undefined;
      });
  }
  cache.set(tree, out);
  return out;
}

/** The kernel version of a tree from its top Makefile (VERSION.PATCHLEVEL.SUBLEVEL), or undefined. */
export function treeKernelVersion(tree: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(tree, 'Makefile'), 'utf8').slice(0, 2000);
  } catch {
    return undefined;
  }
  const get = (k: string) => new RegExp(`^${k} = (\\d+)$`, 'm').exec(text)?.[1];
  const [v, p, s] = [get('VERSION'), get('PATCHLEVEL'), get('SUBLEVEL')];
  return v && p ? `${v}.${p}.${s ?? 0}` : undefined;
}
