// `kdk syzbot check` and `kdk syzbot manager-config`: is this kernel config fit for syzkaller, and a
// syz-manager config for it.
import type { Command } from 'commander';
import { addCommonOptions, type CommonOptions, printJson, say, setExitCode } from './common.js';
import { writeFileAtomic } from '../util/atomic.js';
import { ExitCode } from '../util/errors.js';
import { archFacts, DEFAULT_ARCH } from '../util/arch.js';

// Loaded inside the actions, so that other commands never pay for the syzbot and flavour stages at start-up.
const syzbot = () => import('../syzbot/index.js');

export function registerSyzbot(program: Command): void {
  const group = program
    .command('syzbot')
    .description('check kernel configs against what syzkaller needs; syz-manager configs');
  const check = group
    .command('check <config>')
    .description('which syzkaller-required and recommended options a config meets (.config, .xz or .gz)')
    .option('--profile <name>', 'profile holding the requirements', 'syzbot')
    .addHelpText(
      'after',
      '\nExample (out/ from the kdk flavour example):\n  kdk syzbot check out/.config\n\nExit: 0 all required met; 1 a required option is missing; 2 bad input.',
    )
    .action(async (file: string, opts: CommonOptions & { profile: string }) => {
      const { checkSyzbotConfigFile } = await syzbot();
      const r = checkSyzbotConfigFile(file, opts.profile);
      const kernel = r.kernel;
      if (r.requiredMissing.length) setExitCode(ExitCode.failure);
      if (opts.json) return printJson({ config: file, ...r });
      for (const i of r.items) {
        say(
          opts,
          `${i.met ? 'ok  ' : i.level === 'required' ? 'MISS' : 'miss'} CONFIG_${i.symbol}=${i.wanted} (${i.level}; have ${i.actual}) ${i.met ? '' : '— ' + i.reason}`,
        );
      }
      for (const g of r.removed) say(opts, `gone CONFIG_${g.symbol} (not in ${kernel}) — ${g.why}`);
      say(
        opts,
        `${r.items.length - r.requiredMissing.length - r.recommendedMissing.length}/${r.items.length} met; required missing: ${r.requiredMissing.join(', ') || 'none'}; recommended missing: ${r.recommendedMissing.length}`,
      );
    });
  addCommonOptions(check);
  const mgr = group
    .command('manager-config')
    .description('write a syz-manager config (QEMU VM type) for a built flavour')
    .requiredOption('--kernel-obj <dir>', 'kernel build directory (holds vmlinux and arch/x86/boot/bzImage)')
    .requiredOption('--image <file>', 'VM disk image')
    .requiredOption('--sshkey <file>', 'root SSH key for the image')
    .option('--workdir <dir>', 'syz-manager work directory', 'syz-workdir')
    .option('--syzkaller <dir>', 'syzkaller checkout with bin/ (default $SYZKALLER or ./syzkaller)')
    .option('--arch <arch>', 'amd64 | arm64 (kernel names x86_64 | arm64 too)', DEFAULT_ARCH.debian)
    .option('--vms <n>', 'parallel VMs', (v) => Number(v), 2)
    .option('--out <file>', 'write the config here (default: stdout)')
    .addHelpText(
      'after',
      '\nExample:\n  kdk syzbot manager-config --kernel-obj fl/build --image images/bookworm/disk.img --sshkey images/bookworm/id_ed25519 --out syz.cfg\n  (fl/build: kdk build --flavour-dir fl; images/bookworm: kdk image debian --out images/bookworm)',
    )
    .action(
      async (
        opts: CommonOptions & {
          kernelObj: string;
          image: string;
          sshkey: string;
          workdir: string;
          syzkaller?: string;
          arch: string;
          vms: number;
          out?: string;
        },
      ) => {
        const { managerConfig } = await syzbot();
        const cfg = managerConfig({
          kernelObj: opts.kernelObj,
          image: opts.image,
          sshkey: opts.sshkey,
          workdir: opts.workdir,
          syzkaller: opts.syzkaller,
          arch: archFacts(opts.arch).debian,
          vms: opts.vms,
        });
        if (opts.out) {
          writeFileAtomic(opts.out, JSON.stringify(cfg, null, 2) + '\n');
          if (opts.json) printJson({ out: opts.out, config: cfg });
          else say(opts, `wrote ${opts.out}`);
        } else printJson(cfg);
      },
    );
  addCommonOptions(mgr);
}
