// Evaluating a composed config against a kernel tree (olddefconfig). Until the Kconfig engine (src/kconfig) is
// merged, the evaluator is the kernel's own C tool: `make O=<private dir> olddefconfig` on the read-only tree,
// which is also the ground truth the engine is measured against.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../util/proc.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { type ConfigMap, formatConfig, parseConfig } from './config-file.js';

export interface Evaluated {
  text: string;
  config: ConfigMap;
  evaluator: string;
}

/** The kernel's SRCARCH for a Debian kernel-arch or uname-style arch. */
export function srcArch(arch: string): string {
  const map: Record<string, string> = { amd64: 'x86', x86_64: 'x86', i386: 'x86', i686: 'x86', aarch64: 'arm64' };
  return map[arch] ?? arch;
}

export async function olddefconfig(tree: string, kernelArch: string, input: ConfigMap | string): Promise<Evaluated> {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-olddefconfig-'));
  try {
    writeFileSync(join(dir, '.config'), typeof input === 'string' ? input : formatConfig(input));
    const r = await run('make', ['-s', '-C', tree, `O=${dir}`, `ARCH=${srcArch(kernelArch)}`, 'olddefconfig'], {
      timeoutMs: 300_000,
    });
    if (r.code !== 0) {
      throw new KdkError(`make olddefconfig failed in ${tree}:\n${(r.stderr || r.stdout).trim().slice(-2000)}`, {
        exitCode: ExitCode.failure,
      });
    }
    const text = readFileSync(join(dir, '.config'), 'utf8');
    return { text, config: parseConfig(text, join(dir, '.config')), evaluator: 'kernel C conf (make olddefconfig)' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
