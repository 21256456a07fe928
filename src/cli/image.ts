// `kdk image initramfs` and `kdk image debian`: the root images kdk boots (the image stage loads when one runs).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, printJson, say, type CommonOptions } from './common.js';
import { writeFileAtomic } from '../util/atomic.js';

interface InitramfsOptions extends CommonOptions {
  add: string[];
  out: string;
}

interface DebianOptions extends CommonOptions {
  release: string;
  out: string;
  size?: string;
}

export function registerImage(program: Command): void {
  const image = program.command('image').description("root images to boot: kdk's initramfs, Debian disk images");

  addCommonOptions(
    image
      .command('initramfs')
      .description(
        'busybox initramfs that runs the given programs (.c files are compiled with gcc -static) and powers off',
      )
      .option('--add <file...>', 'program to run in the guest, in order (.c sources are compiled)', [])
      .requiredOption('--out <file>', 'where to write the cpio archive'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  kdk image initramfs --add examples/bugs/lkdtm-warning/repro.c --out initramfs.cpio',
    )
    .action(async (opts: InitramfsOptions) => {
      const { buildInitramfs, programsFromFiles } = await import('../image/index.js');
      const log = (l: string) => !opts.quiet && process.stderr.write(l + '\n');
      const programs = await programsFromFiles(opts.add, log);
      const cached = buildInitramfs(programs, log);
      writeFileAtomic(opts.out, readFileSync(cached));
      if (opts.json) printJson({ out: opts.out, cached, programs: programs.map((p) => p.name) });
      else say(opts, `wrote ${opts.out} (${programs.length} program(s))`);
    });

  addCommonOptions(
    image
      .command('debian')
      .description('Debian root disk image made with debootstrap (ext4, serial console, sshd with a generated key)')
      .option('--release <name>', 'Debian release', 'bookworm')
      .requiredOption('--out <dir>', 'directory for disk.img, the ssh key pair and image.json')
      .option('--size <MiB>', 'disk size', '2048'),
  )
    .addHelpText(
      'after',
      '\nNeeds root (debootstrap, mount). Example:\n  kdk image debian --release bookworm --out images/bookworm',
    )
    .action(async (opts: DebianOptions) => {
      const { buildDebianImage, exportDebianImage } = await import('../image/index.js');
      const log = (l: string) => !opts.quiet && process.stderr.write(l + '\n');
      const res = await buildDebianImage({ release: opts.release, sizeMb: Number(opts.size ?? 2048), log });
      await exportDebianImage(res, opts.out);
      if (opts.json) printJson({ out: opts.out, ...res });
      else say(opts, `wrote ${opts.out}/disk.img (ssh key: ${opts.out}/id_ed25519)`);
    });
}
