// Debian package versions (`6.1.192-3`, `6.1.129-1~bpo11+1`): `--kernel` may name one, and a changelog's uploads
// are ordered by them. Comparison follows dpkg's rules (deb-version(7)): epoch, then upstream version and
// revision compared as alternating non-digit and digit runs, where `~` sorts before anything, even the end.

export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
  text: string;
}

/** `6.1.192-3` as a Debian kernel version (its upstream part a kernel release), or undefined. */
export function parseDebianKernel(text: string): DebianVersion | undefined {
  const m = /^(?:(\d+):)?(\d+\.\d+(?:\.\d+)*)-(\d[\w.+~]*)$/.exec(text.trim());
  if (!m) return undefined;
  return { epoch: Number(m[1] ?? 0), upstream: m[2], revision: m[3], text: text.trim() };
}

const order = (c: string): number => {
  if (c === '~') return -1;
  if (c === '') return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
};

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit runs, character by character.
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const ca = i < a.length && !/\d/.test(a[i]) ? a[i] : '';
      const cb = j < b.length && !/\d/.test(b[j]) ? b[j] : '';
      const d = order(ca) - order(cb);
      if (d !== 0) return d;
      if (ca) i++;
      if (cb) j++;
    }
    let na = '';
    let nb = '';
    while (i < a.length && /\d/.test(a[i])) na += a[i++];
    while (j < b.length && /\d/.test(b[j])) nb += b[j++];
    const d = Number(na || 0) - Number(nb || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** dpkg's order of two version strings (`[epoch:]upstream[-revision]`). */
export function compareDebianVersions(a: string, b: string): number {
  const split = (v: string) => {
    const e = /^(\d+):(.*)$/.exec(v);
    const rest = e ? e[2] : v;
    const dash = rest.lastIndexOf('-');
    return {
      epoch: e ? Number(e[1]) : 0,
      up: dash < 0 ? rest : rest.slice(0, dash),
      rev: dash < 0 ? '' : rest.slice(dash + 1),
    };
  };
  const x = split(a);
  const y = split(b);
  return x.epoch - y.epoch || comparePart(x.up, y.up) || comparePart(x.rev, y.rev);
}
