// Debug profiles: data files under profiles/ (one JSON document each, validated with zod), their loader, and the
// composer that turns `--profile syzbot --profile +kmemleak` into one list of requested options, refusing
// combinations that cannot share one kernel (KASAN vs KCSAN vs KMSAN).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { inputError } from '../util/errors.js';
import { parseJsonText } from '../util/json-file.js';

import { availableProfiles, PROFILES_DIR } from './profile-names.js';
export { availableProfiles, PROFILES_DIR };

/**
 * Cost classes: none (no measurable run-time cost), low (< ~10% slowdown), medium (tens of percent),
 * high (2x or more, or large memory overhead), size (mostly image or debug-info size, little run time).
 */
export const CostClass = z.enum(['none', 'low', 'medium', 'high', 'size']);
export type CostClass = z.infer<typeof CostClass>;

export const Level = z.enum(['required', 'recommended']);
export type Level = z.infer<typeof Level>;

export const Sanitizer = z.enum(['KASAN', 'KCSAN', 'KMSAN']);
export type Sanitizer = z.infer<typeof Sanitizer>;

/** A value as it appears after `CONFIG_X=` in a .config: tristate, number, hex, or a quoted string. */
const CONFIG_VALUE = /^(y|m|n|-?\d+|0x[0-9a-fA-F]+|"(?:[^"\\]|\\.)*")$/;

export const ProfileOption = z
  .object({
    symbol: z.string().regex(/^[A-Za-z0-9_]+$/, 'a Kconfig symbol without the CONFIG_ prefix'),
    value: z.string().regex(CONFIG_VALUE, 'y, m, n, a number, 0x-hex or a "quoted string"'),
    level: Level.default('recommended'),
    cost: CostClass,
    reason: z.string().min(1),
    /**
     * The kernel series from which the symbol no longer exists, and why: there the option is reported as gone and
     * left out, instead of failing as an unknown option (which still catches typos and renames).
     */
    removed: z
      .object({ in: z.string().regex(/^\d+\.\d+$/, 'a kernel series like 6.12'), why: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();
export type ProfileOption = z.infer<typeof ProfileOption>;

export const ProfileFile = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().min(1),
    sanitizer: Sanitizer.optional(),
    includes: z.array(z.string()).default([]),
    options: z.array(ProfileOption),
  })
  .strict();
export type ProfileFile = z.infer<typeof ProfileFile>;

/** Why two sanitizers cannot be in one kernel (the Kconfig dependencies that forbid it, and the cause). */
const SANITIZER_CONFLICTS: Record<string, string> = {
  'KASAN+KCSAN':
    'KCSAN depends on !KASAN (lib/Kconfig.kcsan): both instrument every memory access and their runtimes ' +
    'cannot run together; build one kernel per sanitizer',
  'KASAN+KMSAN':
    'KMSAN depends on !KASAN (lib/Kconfig.kmsan): each keeps its own shadow memory for every byte; ' +
    'build one kernel per sanitizer',
  'KCSAN+KMSAN':
    'KMSAN depends on !KCSAN (lib/Kconfig.kmsan): the two compiler instrumentations are mutually ' +
    'exclusive; build one kernel per sanitizer',
};

/** Read and validate one profile file; errors name the file (and the JSON line for syntax errors). */
export function loadProfile(name: string, dir = PROFILES_DIR): ProfileFile {
  const path = join(dir, `${name}.json`);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(path)) {
    throw inputError(`unknown profile '${name}' (available: ${availableProfiles(dir).join(', ') || 'none'})`);
  }
  const profile = parseJsonText(readFileSync(path, 'utf8'), path, ProfileFile, { what: 'profile' });
  if (profile.name !== name) throw inputError(`profile name '${profile.name}' differs from file name`, path);
  return profile;
}

export interface RequestedOption extends ProfileOption {
  /** The profile that set the value that won. */
  profile: string;
}

export interface ProfileOverride {
  symbol: string;
  from: string;
  fromProfile: string;
  to: string;
  toProfile: string;
}

export interface ComposedProfile {
  /** Profiles in the order they were applied (includes first). */
  profiles: string[];
  sanitizer?: Sanitizer;
  options: RequestedOption[];
  /** Options set by an earlier profile and changed by a later one. */
  overrides: ProfileOverride[];
}

/** Expand a profile's includes depth-first (included profiles first), detecting include loops. */
function expand(name: string, dir: string, chain: string[], out: ProfileFile[]): void {
  if (chain.includes(name)) throw inputError(`profile include loop: ${[...chain, name].join(' -> ')}`);
  if (out.some((p) => p.name === name)) return;
  const p = loadProfile(name, dir);
  for (const inc of p.includes) expand(inc, dir, [...chain, name], out);
  out.push(p);
}

/**
 * Compose profile specs as given on the command line: `syzbot`, `+kmemleak` (a leading '+' adds to what is
 * already there; without it the profile is added too, so order is all that matters). Later profiles override
 * earlier ones option by option, and every such override is recorded.
 */
export function composeProfiles(specs: string[], dir = PROFILES_DIR): ComposedProfile {
  if (specs.length === 0) throw inputError('no profile given (e.g. --profile syzbot)');
  const files: ProfileFile[] = [];
  for (const spec of specs) expand(spec.replace(/^\+/, ''), dir, [], files);
  const sanitizers = [...new Set(files.flatMap((f) => (f.sanitizer ? [{ s: f.sanitizer, p: f.name }] : [])))];
  const distinct = [...new Set(sanitizers.map((x) => x.s))].sort();
  if (distinct.length > 1) {
    const key = distinct.slice(0, 2).join('+');
    const who = sanitizers.map((x) => `${x.p} (${x.s})`).join(', ');
    throw inputError(`profiles cannot share one kernel: ${who}: ${SANITIZER_CONFLICTS[key]}`);
  }
  const bySymbol = new Map<string, RequestedOption>();
  const overrides: ProfileOverride[] = [];
  for (const f of files) {
    for (const o of f.options) {
      const prev = bySymbol.get(o.symbol);
      if (prev && prev.value !== o.value) {
        overrides.push({
          symbol: o.symbol,
          from: prev.value,
          fromProfile: prev.profile,
          to: o.value,
          toProfile: f.name,
        });
      }
      // A later profile may lower the level it asks for; keep the stricter one so checks stay honest.
      const level = prev?.level === 'required' ? 'required' : o.level;
      bySymbol.set(o.symbol, { ...o, level, profile: f.name });
    }
  }
  return { profiles: files.map((f) => f.name), sanitizer: distinct[0], options: [...bySymbol.values()], overrides };
}

/** Compare kernel versions ('6.12', '6.12.111'): negative, zero or positive. */
export function compareKernelVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Whether a profile option is declared gone from the given kernel version. */
export function removedFrom(o: ProfileOption, kernel: string | undefined): boolean {
  return !!(o.removed && kernel && compareKernelVersions(kernel, o.removed.in) >= 0);
}
