// The files that would add the debug flavour to Debian's packaging as a `debug` featureset, the way `rt` is
// added: a featureset-debug/ directory with the config fragment and defines, a per-arch debug/defines listing
// the flavour, and the lines to add to the existing top-level and per-arch defines.
import type { ConfigValue } from './report.js';
import { formatEntry } from './config-file.js';

export interface DebianSnippet {
  /** Path relative to the source package root → file content. */
  files: Record<string, string>;
}

export function debianDebugFeatureset(
  arch: string,
  flavour: string,
  profiles: string[],
  stuck: ConfigValue[],
): DebianSnippet {
  const header = [
    `## debug featureset: kdk profile(s) ${profiles.join(', ')}`,
    '## Only the options that took effect on this kernel are listed; see report.json for the rest.',
  ];
  // Reasons are per option: write them from the profile, not a generic line.
  const lines: string[] = [...header];
  for (const v of stuck)
    lines.push(`## ${v.why} [${v.profile}, ${v.level}, cost ${v.cost}]`, formatEntry(v.symbol, v.final));
  const files: Record<string, string> = {
    'debian/config/featureset-debug/config': lines.join('\n') + '\n',
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
