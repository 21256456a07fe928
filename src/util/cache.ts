// Cache directories under $KDK_CACHE (default ~/.cache/kdk), one subdirectory per kind,
// entries keyed by a content hash so they are safe to share and to delete.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type CacheKind =
  | 'trees'
  | 'kernels'
  | 'images'
  | 'probes'
  | 'vulns'
  | 'kconfig'
  | 'ccache'
  | 'builds'
  | 'debian'
  | 'logs'
  | 'artifacts'
  | 'sweep'
  | 'abi';

export function cacheRoot(): string {
  return process.env.KDK_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kdk');
}

export function cacheDir(kind: CacheKind): string {
  const dir = join(cacheRoot(), kind);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function hashOf(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
