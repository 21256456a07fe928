// kdk's VM overhead against bare QEMU, measured in the same run on the same kernel and initramfs:
//  1. boot to userspace: `kdk boot` (CLI, end to end) vs `qemu-system-x86_64` started by hand, both timed
//     from process start to kdk's userspace marker on the serial console;
//  2. one full `kdk run` round trip (CLI: compile (cached), pack, boot, run, verdict) vs bare QEMU running
//     the same initramfs until the guest resets and QEMU exits.
// Runs alternate (bare, kdk, bare, kdk...) so load from other work on the machine hits both alike; medians.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildInitramfs, compileStatic, MARK_USERSPACE } from '../src/image/index.js';
import { chooseAccel, runVm } from '../src/vm/index.js';
import { ensurePackages } from '../src/util/deps.js';

const REPS = Number(process.env.KDK_BENCH_REPS ?? 3);
ensurePackages(['linux-image-amd64', 'qemu-system-x86', 'busybox-static', 'gcc']);
const kernel = join(
  '/boot',
  readdirSync('/boot')
    .filter((n) => n.startsWith('vmlinuz-'))
    .sort()
    .pop()!,
);
const accel = (await chooseAccel(kernel)).accel;
const dir = mkdtempSync(join(tmpdir(), 'kdk-bench-'));
const repro = join(dir, 'repro.c');
writeFileSync(repro, '#include <stdio.h>\nint main(void) { puts("bench"); return 0; }\n');
const bootInitramfs = buildInitramfs([]);
const runInitramfs = buildInitramfs([{ name: 'repro', path: await compileStatic(repro) }]);
const kdkBin = join(import.meta.dirname, '..', 'bin', 'kdk.js');

/** Seconds until `until` matches the output (then the process is killed), or until it exits. */
function timed(cmd: string, args: string[], until?: RegExp): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve((performance.now() - t0) / 1000);
    };
    const watch = (c: Buffer) => {
      out = (out + c.toString('latin1')).slice(-4096);
      if (until?.test(out)) {
        finish();
        p.kill('SIGKILL');
      }
    };
    p.stdout.on('data', watch);
    p.stderr.on('data', watch);
    p.on('close', (code) => (code === 0 || done ? finish() : reject(new Error(`${cmd} exited ${code}: ${out}`))));
  });
}

function bareQemu(initramfs: string): string[] {
  return [
    '-accel',
    accel,
    '-m',
    '1024',
    '-smp',
    '1',
    '-display',
    'none',
    '-nodefaults',
    '-serial',
    'stdio',
    '-no-reboot',
    '-kernel',
    kernel,
    '-initrd',
    initramfs,
    '-append',
    'console=ttyS0 panic=-1 nokaslr',
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function compare(name: string, bare: () => Promise<number>, kdk: () => Promise<number>): Promise<void> {
  const b: number[] = [];
  const k: number[] = [];
  for (let i = 0; i < REPS; i++) {
    b.push(await bare());
    k.push(await kdk());
  }
  const ratio = median(k) / median(b);
  console.log(
    `${name}: bare qemu ${median(b).toFixed(2)} s, kdk ${median(k).toFixed(2)} s, ratio ${ratio.toFixed(3)} ` +
      `(target <= 1.10; ${accel}; runs bare [${b.map((x) => x.toFixed(2))}] kdk [${k.map((x) => x.toFixed(2))}])`,
  );
}

console.log(`kernel ${kernel}, accelerator ${accel}, ${REPS} alternating runs each`);
const marker = new RegExp(MARK_USERSPACE);
await compare(
  'boot to userspace',
  () => timed('qemu-system-x86_64', bareQemu(bootInitramfs), marker),
  () =>
    timed(
      process.execPath,
      [kdkBin, 'boot', '--kernel', kernel, '--accel', accel, '--timeout', '120'],
      /userspace reached/,
    ),
);
// The runner alone (API, no CLI process start): where kdk's own overhead sits, if anywhere.
await compare(
  'boot to userspace, runVm API',
  () => timed('qemu-system-x86_64', bareQemu(bootInitramfs), marker),
  () => {
    const t0 = performance.now();
    let at = NaN;
    return runVm(
      { kernel, initramfs: bootInitramfs, onEvent: (e) => e.kind === 'userspace' && (at = performance.now()) },
      accel,
    ).then(() => (at - t0) / 1000);
  },
);
await compare(
  'full run round trip',
  () => timed('qemu-system-x86_64', bareQemu(runInitramfs)),
  () =>
    timed(process.execPath, [kdkBin, 'run', '--kernel', kernel, '--repro', repro, '--accel', accel, '--json']).catch(
      () => NaN,
    ),
);
spawnSync('true');
