// File checks shared by both Debian hierarchy formats.
import { lstatSync } from 'node:fs';

/** A dangling or looping symlink: existsSync says false, but it is there and must be reported as such. */
export function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
