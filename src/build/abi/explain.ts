// Why a CRC changed. genksyms hashes the full expansion of every type a symbol's declaration reaches, so the CRC
// alone cannot say which type moved; libabigail (abidiff/kmidiff) can, from DWARF, when both builds carry debug
// info. Without both the reason is stated as unknown, with what was missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { which } from '../../util/proc.js';
import type { AbiDiff } from './diff.js';

/** True when `vmlinux` has a .debug_info section (CONFIG_DEBUG_INFO). */
function hasDebugInfo(vmlinux: string): boolean {
  if (!existsSync(vmlinux)) return false;
  const r = spawnSync('readelf', ['-S', '-W', vmlinux], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return r.status === 0 && /\s\.debug_info\s/.test(r.stdout);
}

/** What stops libabigail from naming the changed types, or undefined when it could run. */
export function explainBlocker(oldBuild?: string, newBuild?: string): string | undefined {
  if (!oldBuild || !newBuild) return 'reason unknown: the ABIs were not read from build directories (no vmlinux)';
  const missing = [oldBuild, newBuild].filter((d) => !hasDebugInfo(join(d, 'vmlinux')));
  if (missing.length)
    return `reason unknown: no debug info (CONFIG_DEBUG_INFO) in ${missing.map((d) => join(d, 'vmlinux')).join(', ')}`;
  if (!which('kmidiff')) return 'reason unknown: kmidiff is not installed (apt-get install abigail-tools)';
  return undefined;
}

/** Fill each changed CRC's `reason`. Only the unknown case is implemented: kdk's test kernels carry no DWARF. */
export function explainChanges(diff: AbiDiff, oldBuild?: string, newBuild?: string): void {
  const blocker = explainBlocker(oldBuild, newBuild) ?? 'reason unknown: kdk does not run kmidiff yet (docs/abi.md)';
  for (const c of diff.changed) if (c.fields.includes('crc')) c.reason = blocker;
}
