// The files that would add the debug flavour to Debian's packaging as a `debug` featureset, the way `rt` is
// added: a featureset-debug/ directory with the config fragment and its defines, and the flavour listed for the
// arch. Bookworm's INI `defines`: a per-arch debug/defines plus lines to add to the existing defines. Trixie's
// `defines.toml`: blocks to append to the root and per-arch defines.toml (TOML arrays of tables may be
// continued anywhere in a file, so `cat X.append >> X` is the whole edit).
import type { ConfigValue } from './flavour-report.js';
import { formatEntry } from '../kconfig/index.js';

export interface DebianSnippet {
  /** Path relative to the source package root → file content. */
  files: Record<string, string>;
}

export function debianDebugFeatureset(
  arch: string,
  flavour: string,
  profiles: string[],
  stuck: ConfigValue[],
  format: 'toml' | 'defines' = 'defines',
): DebianSnippet {
  const header = [
    `## debug featureset: kdk profile(s) ${profiles.join(', ')}`,
    '## Only the options that took effect on this kernel are listed; see report.json for the rest.',
  ];
  // Reasons are per option: write them from the profile, not a generic line.
  const lines: string[] = [...header];
  for (const v of stuck)
    lines.push(`## ${v.why} [${v.profile}, ${v.level}, cost ${v.cost}]`, formatEntry(v.symbol, v.final));
  const config = lines.join('\n') + '\n';
  if (format === 'toml') return { files: tomlFiles(arch, flavour, profiles, config) };
  const files: Record<string, string> = {
    'debian/config/featureset-debug/config': config,
    'debian/config/featureset-debug/defines': [
      '[abi]',
      '# a debug kernel is not an ABI anyone links against',
      'ignore-changes: *',
      '',
      '[description]',
      'part-long-debug: This kernel is built with sanitizers and debugging options',
      ` (${profiles.join(', ')}) for testing and fuzzing; it is slower and larger.`,
      'part-short-debug: debug (sanitizers)',
      'parts: debug',
      '',
    ].join('\n'),
    [`debian/config/${arch}/debug/defines`]: ['[base]', 'flavours:', ` ${flavour}`, ''].join('\n'),
    'debian/defines.snippet': [
      '# Add to debian/config/defines:',
      '#   [base] featuresets: ... debug',
      '[featureset-debug_base]',
      'enabled: true',
      '',
      `# Add to debian/config/${arch}/defines:`,
      '#   [base] featuresets: ... debug',
      '',
      '# Then regenerate debian/control: debian/rules debian/control-real',
      '',
    ].join('\n'),
  };
  return { files };
}

/** A TOML literal string ('...' holds anything but a quote or newline; profile names are [a-z0-9-]). */
const lit = (s: string) => `'${s.replace(/['\n]/g, ' ')}'`;

function tomlFiles(arch: string, flavour: string, profiles: string[], config: string): Record<string, string> {
  return {
    'debian/config/featureset-debug/config': config,
    'debian/config/featureset-debug/defines.toml': [
      '[description]',
      "parts = ['debug']",
      '[description.long]',
      `debug = ${lit(`This kernel is built with sanitizers and debugging options (${profiles.join(', ')}) for testing and fuzzing; it is slower and larger.`)}`,
      '[description.short]',
      "debug = 'debug (sanitizers)'",
      '',
    ].join('\n'),
    'debian/config/defines.toml.append': ['', '[[featureset]]', "name = 'debug'", 'enable = true', ''].join('\n'),
    [`debian/config/${arch}/defines.toml.append`]: [
      '',
      '[[featureset]]',
      "name = 'debug'",
      '[[featureset.flavour]]',
      `name = ${lit(flavour)}`,
      '',
    ].join('\n'),
    'debian/defines.toml.snippet': [
      '# Append the two .append files to the defines.toml beside them:',
      `#   cat debian/config/defines.toml.append >> debian/config/defines.toml`,
      `#   cat debian/config/${arch}/defines.toml.append >> debian/config/${arch}/defines.toml`,
      '# Then regenerate debian/control: debian/rules debian/control-real',
      '',
    ].join('\n'),
  };
}
