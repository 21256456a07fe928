// PATHs for the Rust readiness tests. "With Debian's rustc/bindgen" is Debian's standard PATH (no rustup or
// other per-user toolchain first); "without" is the same directories with the Rust tools absent: a directory of
// symlinks to everything in /usr/bin except them, so nothing is uninstalled from the machine.
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's default PATH for root (/etc/login.defs ENV_SUPATH); /bin and /sbin are /usr's on bookworm. */
export const DEBIAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The Rust toolchain's commands as Debian's rustc, rust-src, bindgen and rust-llvm packages put them in /usr/bin. */
const RUST_TOOL = /^(rustc|rustdoc|rust-[a-z-]+|cargo|bindgen)$/;

let farm: string | undefined;

/** DEBIAN_PATH, but with /usr/bin (and so /bin) replaced by a copy that lacks the Rust tools. */
export function pathWithoutRust(): string {
  if (!farm) {
    farm = mkdtempSync(join(tmpdir(), 'kdk-norust-bin-'));
    const dir = farm;
    // Removed when the process exits, not after the first test that asked (node:test's after() in a test is its own).
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (const f of readdirSync('/usr/bin')) if (!RUST_TOOL.test(f)) symlinkSync(join('/usr/bin', f), join(dir, f));
  }
  return `/usr/local/sbin:/usr/local/bin:/usr/sbin:${farm}`;
}

/** Run `fn` with process.env.PATH set to `path` (the Kconfig probes and make read it), restoring it after. */
export async function withPath<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}
