// Debian version order, from dpkg itself (epochs, tildes and all): never reimplemented here.
import { spawnSync } from 'node:child_process';

export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  return spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? 1 : -1;
}
