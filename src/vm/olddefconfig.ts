// Bring a .config up to date with a tree (every new symbol at its default): one call, so the Kconfig engine
// (src/kconfig) can take it over from `make olddefconfig` when it exposes olddefconfig in its index.ts.
import type { MakeFn } from './kernel-build.js';

export async function olddefconfig(_outDir: string, make: MakeFn): Promise<void> {
  await make(['olddefconfig'], { quiet: true });
}
