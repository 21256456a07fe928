// The flavour → build hand-off: manifest.json, written by `kdk flavour` beside .config and read back (validated)
// by `kdk build --flavour DIR`. It says which kernel tree the flavour was evaluated on, so the build uses that
// tree (a trixie 6.12 flavour is not built on bookworm's linux-source-6.1) or refuses a different one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../util/json-file.js';

export const MANIFEST_FILE = 'manifest.json';

export const FlavourManifest = z
  .object({
    kdkFlavourManifest: z.literal(1),
    tree: z
      .object({
        /** The source tree's directory as evaluated. */
        path: z.string().min(1),
        /** Its kernel version (top Makefile), e.g. 6.12.111. */
        kernelVersion: z.string().optional(),
        /** Where it came from, so a deleted cache entry can be fetched again: a Debian linux-source package. */
        debian: z.object({ release: z.string().optional(), version: z.string() }).strict().optional(),
      })
      .strict(),
    /** The Debian release of the packaging (bookworm, trixie), when the base was Debian's. */
    release: z.string().optional(),
    /** make's ARCH and Debian's name for it. */
    arch: z.string(),
    debianArch: z.string(),
    /** The distro flavour (amd64, cloud-amd64...). */
    flavour: z.string(),
    profiles: z.array(z.string()),
    /** sha256 prefix of the evaluated .config, and of the composed base (pairs plain and debug builds). */
    configHash: z.string(),
    baseKey: z.string(),
  })
  .strict();
export type FlavourManifest = z.infer<typeof FlavourManifest>;

/** The manifest of a flavour directory, validated; undefined for a directory holding only a .config. */
export function readFlavourManifest(dir: string): FlavourManifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  return readJsonFile(file, FlavourManifest, { what: 'flavour manifest' });
}
