// Does a kernel config give what Debian's signed kernels rely on? Each requirement is checked in the config as
// given; one that is missing is requested through kdk's Kconfig engine (merge + olddefconfig) to tell whether
// setting it would stick, or the Kconfig reason it cannot (an unmet dependency, a select...). Then the trusted
// keys: modules signed with the user's certificate load only if the kernel trusts that certificate.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadTree, mergeAndReport } from '../kconfig/index.js';

export interface Requirement {
  symbol: string;
  value: string;
  why: string;
}

export const SECURE_BOOT_REQUIREMENTS: Requirement[] = [
  { symbol: 'EFI_STUB', value: 'y', why: 'the firmware starts the kernel as a (signed) EFI application' },
  { symbol: 'MODULE_SIG', value: 'y', why: 'modules carry signatures the kernel checks' },
  {
    symbol: 'LOCK_DOWN_IN_EFI_SECURE_BOOT',
    value: 'y',
    why: 'booted with Secure Boot the kernel locks itself down: unsigned modules, kexec of unsigned images, /dev/mem refused',
  },
  { symbol: 'SYSTEM_TRUSTED_KEYRING', value: 'y', why: 'the keyring module signatures are checked against' },
];

export interface RequirementResult extends Requirement {
  actual: string;
  ok: boolean;
  /** For a missing one: would requesting it stick, and if not the Kconfig reason. */
  sticks?: boolean;
  reason?: string;
}

export interface TrustResult {
  /** true/false when the kernel's key files are readable here; undefined when they are not. */
  trusted?: boolean;
  keyFiles: { option: string; value: string; path?: string }[];
  note: string;
}

export interface SecureBootConfigCheck {
  config: string;
  requirements: RequirementResult[];
  trust: TrustResult;
  ok: boolean;
}

function configValue(text: string, symbol: string): string {
  const m = new RegExp(`^CONFIG_${symbol}=(.*)$`, 'm').exec(text);
  return m ? m[1] : 'n';
}

const certBodies = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    m[1].replace(/\s+/g, ''),
  );

function trustOf(text: string, cert: string, dirs: string[]): TrustResult {
  const mine = certBodies(readFileSync(cert, 'utf8'));
  const keyFiles = ['SYSTEM_TRUSTED_KEYS', 'MODULE_SIG_KEY'].flatMap((option) => {
    const v = /^"(.*)"$/.exec(configValue(text, option))?.[1] ?? '';
    return v
      .split(/\s+/)
      .filter(Boolean)
      .map((value) => {
        const path = (isAbsolute(value) ? [value] : dirs.map((d) => join(d, value))).find((p) => existsSync(p));
        return { option, value, path };
      });
  });
  const readable = keyFiles.filter((k) => k.path);
  const trusted = readable.some((k) => certBodies(readFileSync(k.path!, 'utf8')).some((b) => mine.includes(b)));
  if (trusted) return { trusted, keyFiles, note: 'the kernel trusts the certificate: modules signed with it load' };
  if (readable.length === keyFiles.length && keyFiles.length > 0) {
    return {
      trusted: false,
      keyFiles,
      note:
        'the kernel trusts other keys only: modules signed with this certificate are refused under lockdown; ' +
        'build with CONFIG_SYSTEM_TRUSTED_KEYS="<cert.pem>" (or CONFIG_MODULE_SIG_KEY="<key+cert.pem>")',
    };
  }
  return {
    keyFiles,
    note:
      `the kernel's own keys (${keyFiles.map((k) => k.value).join(', ') || 'none configured'}) are not readable here: ` +
      "kdk cannot tell whether it trusts this certificate; unless it does (or, like Debian's kernels, trusts the firmware db it is enrolled in), modules signed with it are refused under lockdown",
  };
}

export function checkSecureBootConfig(o: {
  configFile: string;
  srctree: string;
  arch?: string;
  cert: string;
  /** Where the config's relative key paths are looked up (the build directory, the tree). */
  keyDirs?: string[];
}): SecureBootConfigCheck {
  const text = readFileSync(o.configFile, 'latin1');
  const missing = SECURE_BOOT_REQUIREMENTS.filter((r) => configValue(text, r.symbol) !== r.value);
  let report: { symbol: string; reason?: { text: string } }[] = [];
  if (missing.length) {
    const tree = loadTree({ srctree: o.srctree, arch: o.arch ?? 'x86', log: () => {} });
    const fragment = missing.map((r) => `CONFIG_${r.symbol}=${r.value}`).join('\n') + '\n';
    report = mergeAndReport(tree, { name: o.configFile, text }, [{ name: 'secure-boot', text: fragment }])
      .report as typeof report;
  }
  const requirements = SECURE_BOOT_REQUIREMENTS.map((r): RequirementResult => {
    const actual = configValue(text, r.symbol);
    if (actual === r.value) return { ...r, actual, ok: true };
    const rep = report.find((x) => x.symbol === r.symbol || x.symbol === `CONFIG_${r.symbol}`);
    return { ...r, actual, ok: false, sticks: !rep, reason: rep?.reason?.text };
  });
  const trust = trustOf(text, o.cert, [...(o.keyDirs ?? []), o.srctree]);
  return { config: o.configFile, requirements, trust, ok: requirements.every((r) => r.ok) && trust.trusted !== false };
}
