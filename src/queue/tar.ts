// Directories (a flavour, a bug bundle) travel as tar archives in the artifact store: packed reproducibly
// (sorted, fixed times and owners) so the same directory is the same artifact, unpacked by GNU tar, which
// refuses names with '..' and absolute paths and defers symlinks, so an archive writes only inside its target.
import { mkdirSync } from 'node:fs';
import { run } from '../util/proc.js';
import { InfraError } from './infra-error.js';

export async function packDir(dir: string, out: string, exclude: string[] = []): Promise<void> {
  const args = ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=gnu'];
  for (const e of exclude) args.push(`--exclude=./${e}`);
  const r = await run('tar', [...args, '-C', dir, '-cf', out, '.']);
  if (r.code !== 0) throw new Error(`tar -cf ${out} failed: ${r.stderr.trim()}`);
}

export async function unpackDir(archive: string, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const r = await run('tar', ['--no-same-owner', '--no-same-permissions', '-C', dest, '-xf', archive]);
  if (r.code !== 0) throw new InfraError(`tar -xf failed: ${r.stderr.trim()}`);
}
