// Evaluating a composed config against a kernel tree. The Kconfig engine (src/kconfig, via its index.ts) does
// the work and explains why requested values did not stick; the kernel's own C tool (`make O=<private dir>
// olddefconfig` on the read-only tree) stays available as the ground truth the engine is checked against.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../util/proc.js';
import { kernelArch } from '../util/arch.js';
import { KdkError, ExitCode } from '../util/errors.js';
import {
  loadTree,
  mergeAndReport,
  parseConfigText,
  parseConfigMap,
  formatConfigMap,
  type ConfigMap,
  type ConfigReport,
} from '../kconfig/index.js';

export interface Evaluated {
  text: string;
  config: ConfigMap;
  evaluator: string;
}

const ENGINE = 'kdk Kconfig engine (src/kconfig)';
const text = (c: ConfigMap | string) => (typeof c === 'string' ? c : formatConfigMap(c));

/** olddefconfig with the Kconfig engine. */
export function evaluateConfig(tree: string, arch: string, input: ConfigMap | string): Evaluated {
  const t = loadTree({ srctree: tree, arch: kernelArch(arch), log: () => {} });
  t.evaluate(parseConfigText(text(input), '.config'));
  const out = t.writeConfig();
  return { text: out, config: parseConfigMap(out, '.config'), evaluator: ENGINE };
}

/** Base + fragment, evaluated once, with the engine's structured reasons for every value that did not stick. */
export function mergeWithReasons(
  tree: string,
  arch: string,
  base: ConfigMap | string,
  fragment: ConfigMap | string,
): Evaluated & { report: ConfigReport[] } {
  const t = loadTree({ srctree: tree, arch: kernelArch(arch), log: () => {} });
  const r = mergeAndReport(t, { name: 'base', text: text(base) }, [{ name: 'profiles', text: text(fragment) }]);
  return { text: r.config, config: parseConfigMap(r.config, '.config'), evaluator: ENGINE, report: r.report };
}

/** olddefconfig with the kernel's C conf tool, in a private O= directory (the source tree stays read-only). */
export async function evaluateConfigC(tree: string, arch: string, input: ConfigMap | string): Promise<Evaluated> {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-olddefconfig-'));
  try {
    writeFileSync(join(dir, '.config'), text(input));
    const r = await run('make', ['-s', '-C', tree, `O=${dir}`, `ARCH=${kernelArch(arch)}`, 'olddefconfig'], {
      timeoutMs: 300_000,
    });
    if (r.code !== 0) {
      throw new KdkError(`make olddefconfig failed in ${tree}:\n${(r.stderr || r.stdout).trim().slice(-2000)}`, {
        exitCode: ExitCode.failure,
      });
    }
    const out = readFileSync(join(dir, '.config'), 'utf8');
    return {
      text: out,
      config: parseConfigMap(out, join(dir, '.config')),
      evaluator: 'kernel C conf (make olddefconfig)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
