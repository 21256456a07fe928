// What syzkaller needs from a kernel config: the syzbot profile's required/recommended options, each met or not.
import { composeProfiles, removedFrom, readFlatConfigText } from '../flavour/index.js';
import { parseConfigMap, type ConfigMap } from '../kconfig/index.js';

export interface SyzbotCheckItem {
  symbol: string;
  wanted: string;
  actual: string;
  level: string;
  met: boolean;
  reason: string;
}

export interface SyzbotCheck {
  items: SyzbotCheckItem[];
  requiredMissing: string[];
  recommendedMissing: string[];
  /** Options the profile declares gone from the config's kernel (not counted as missing). */
  removed: { symbol: string; removedIn: string; why: string }[];
}

/** The kernel version a .config was written for, from the header Kconfig writes ('# Linux/x86 6.12.111 Kernel ...'). */
export function configKernelVersion(text: string): string | undefined {
  return /^# Linux\/\S+ (\d+\.\d+(?:\.\d+)?)\S* Kernel Configuration$/m.exec(text.slice(0, 4000))?.[1];
}

/**
 * Each option of the profile, met or not. With the config's kernel version, options the profile declares gone
 * from that kernel (`removed`) are listed apart instead of as missing.
 */
export function checkSyzbotConfig(config: ConfigMap, profile = 'syzbot', kernel?: string): SyzbotCheck {
  const options = composeProfiles([profile]).options;
  const removed = options
    .filter((o) => removedFrom(o, kernel))
    .map((o) => ({ symbol: o.symbol, removedIn: o.removed!.in, why: o.removed!.why }));
  const items = options
    .filter((o) => !removedFrom(o, kernel))
    .map((o) => {
      const actual = config.get(o.symbol) ?? 'n';
      return { symbol: o.symbol, wanted: o.value, actual, level: o.level, met: actual === o.value, reason: o.reason };
    });
  const missing = (level: string) => items.filter((i) => !i.met && i.level === level).map((i) => i.symbol);
  return { items, requiredMissing: missing('required'), recommendedMissing: missing('recommended'), removed };
}

/** Check a config file (.config, .xz or .gz) against a profile, its kernel version read from the header. */
export function checkSyzbotConfigFile(file: string, profile = 'syzbot'): SyzbotCheck & { kernel?: string } {
  const text = readFlatConfigText(file);
  const kernel = configKernelVersion(text);
  return { kernel, ...checkSyzbotConfig(parseConfigMap(text, file), profile, kernel) };
}
