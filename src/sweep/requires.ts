// Does the kernel have what a bundle needs? Each `requires` entry (`CONFIG_X`: y or m; `CONFIG_X=v`: exactly v;
// `A || B`: either, for a reproducer with two ways in, such as a module that loads without MODVERSIONS or forced)
// is checked against the kernel's .config as kdk's Kconfig engine evaluates it on the kernel's tree, so an option
// the config asks for but Kconfig drops counts as missing; a missing one carries the engine's explanation (its
// dependencies, what would change it), which is why a bundle is `not-applicable` rather than a silent no-crash.
import { explainSymbol, loadTree, readConfigFile, type Kconfig } from '../kconfig/index.js';
import { kernelArch } from '../util/arch.js';

export interface Requirement {
  symbol: string;
  /** The value asked for; undefined: any of y, m. */
  want?: string;
}

export interface MissingOption {
  option: string;
  /** The value the kernel has (n when unset). */
  value: string;
  /** The engine's reasons, in words. */
  why: string[];
  toChange: string[];
}

export function parseRequirement(text: string): Requirement {
  const [name, want] = text.split(/=(.*)/s, 2);
  return { symbol: name.replace(/^CONFIG_/, ''), want: want === undefined ? undefined : want.replace(/^"|"$/g, '') };
}

/** One evaluated tree per (tree, arch, config): loaded once a sweep, and only when some bundle requires options. */
export class RequirementChecker {
  private tree?: Kconfig;
  constructor(
    private readonly opts: { srcTree: () => string; arch: string; config: string; log: (l: string) => void },
  ) {}

  private loaded(): Kconfig {
    if (this.tree) return this.tree;
    const c = readConfigFile(this.opts.config);
    const tree = loadTree({ srctree: this.opts.srcTree(), arch: kernelArch(this.opts.arch), log: () => {} });
    for (const w of tree.readConfig(c).warnings.slice(0, 5)) this.opts.log(`kdk: ${this.opts.config}: ${w}`);
    this.tree = tree;
    return tree;
  }

  missing(requires: string[]): MissingOption[] {
    if (requires.length === 0) return [];
    const tree = this.loaded();
    const out: MissingOption[] = [];
    for (const entry of requires) {
      const alternatives = entry.split(/\s*\|\|\s*/).map(parseRequirement);
      const found = alternatives.map((r) => ({ r, ...this.check(tree, r) }));
      if (found.some((f) => f.ok)) continue;
      const one = found.length === 1;
      // Several ways in, none open: each alternative's value and reasons, named, so the note says what would do.
      out.push({
        option: found.map((f) => optionText(f.r)).join(' || '),
        value: one ? found[0].value : found.map((f) => `${f.r.symbol}=${f.value}`).join(', '),
        why: found.flatMap((f) => (one ? f.why : f.why.map((w) => `${f.r.symbol}: ${w}`))),
        toChange: found.flatMap((f) => (one ? f.toChange : f.toChange.map((w) => `${f.r.symbol}: ${w}`))),
      });
    }
    return out;
  }

  private check(tree: Kconfig, r: Requirement): { ok: boolean; value: string; why: string[]; toChange: string[] } {
    const ex = explainSymbol(tree, r.symbol);
    const value = ex.value ?? 'n';
    const ok = ex.defined && (r.want === undefined ? value === 'y' || value === 'm' : value === r.want);
    return { ok, value, why: ex.why, toChange: ex.toChange };
  }
}

const optionText = (r: Requirement) => `CONFIG_${r.symbol}${r.want === undefined ? '' : `=${r.want}`}`;
