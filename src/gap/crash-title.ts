// Crash titles: the oops lines that CVE descriptions quote (`BUG: KASAN: slab-use-after-free in
// __blk_rq_map_sg+0x18f/0x7c0`) and the titles syzkaller-style reports carry (`KASAN: slab-use-after-free Read in
// __blk_rq_map_sg`), both reduced to one matching key: offsets, addresses, CPU/PID numbers, line numbers and
// access direction dropped. Titles that name no function or file (a bare `BUG: memory leak`) match nothing by
// themselves; for those the first `RIP:`/`pc :` line after them supplies the function.

export const PREFIX_RE = /^\s*(?:<\d>)?(?:\[\s*\d+\.\d+\]\s*)?(?:\[\s*[TC]\d+\]\s*)?/;
export const RIP_RE =
  /^\s*(?:\[\s*\d+\.\d+\]\s*)?(?:RIP: [0-9a-f]{4}:|pc : |PC is at |NIP \[[0-9a-f]+\] |epc : )([A-Za-z_.$][\w.$]*)\+0x/;

export interface QuotedCrash {
  /** The line as quoted, prefixes (timestamps) cut. */
  title: string;
  /** Matching keys (empty when the title is too generic and no function follows it). */
  keys: string[];
}

// Compiler clone suffixes go, numbered (`.part.23`, `.isra.0`) or as syzkaller writes them (`.part.NUM`).
export const fn = (s: string) =>
  s
    .replace(/\+0x[0-9a-f]+(?:\/0x[0-9a-f]+)?/g, '')
    .replace(/(?:\.(?:constprop|isra|part|cold)(?:\.(?:\d+|NUM))?)+$/g, '');

/** The key a single title line reduces to, or undefined when it names no function, file or object. */
export function normaliseTitle(raw: string): string | undefined {
  let s = raw
    .replace(/^\*\* \d+ printk messages dropped \*\* */, '')
    .replace(PREFIX_RE, '')
    .replace(/\r/g, '')
    .trim();
  s = s
    .replace(/^(?:Oops: )+/, '')
    .replace(/^(?:watchdog: )?BUG: (?=(?:KASAN|KMSAN|KCSAN|KFENCE|UBSAN|soft lockup):)/, '');
  s = s.replace(/^BUG: (?=soft lockup)/, '');
  let m: RegExpExecArray | null;
  if (
    (m = /^(KASAN|KFENCE): ([\w-]+(?: or [\w-]+)?)(?: (?:Read|Write|read|write))?(?: of size \d+)? in (\S+)/.exec(s))
  ) {
    // `null-ptr-deref in range [...]` names an address range, not a place: the GPF line before it and its RIP
    // line key that crash. Older kernels' `double-free or invalid-free` is what syzkaller titles `invalid-free`.
    if (m[3] === 'range') return undefined;
    return `${m[1]}: ${m[2] === 'double-free or invalid-free' ? 'invalid-free' : m[2]} in ${fn(m[3])}`;
  }
  if ((m = /^(KMSAN|KCSAN): ([\w-]+) in (.+)$/.exec(s))) {
    const where = fn(m[3])
      .split(/\s+\/\s+/)
      .map((p) => p.trim().split(/\s+/)[0]);
    return `${m[1]}: ${m[2]} in ${where.join(' / ')}`;
  }
  if ((m = /^UBSAN: ([\w-]+) in (\S+?)(?::\d+)*$/.exec(s)))
    return `UBSAN: ${m[1]} in ${m[2].replace(/^(?:\.\.\/|\.\/)+/, '')}`;
  if ((m = /^WARNING: CPU: \d+ PID: \d+ at \S+ ([\w.$]+)\+0x/.exec(s))) return `WARNING in ${fn(m[1])}`;
  if ((m = /^WARNING: (?:\S+:\d+ )?at (?:\S+:\d+ )?([A-Za-z_][\w.$]*)/.exec(s))) return `WARNING in ${fn(m[1])}`;
  if ((m = /^WARNING(?::)? (?:\w+ bug )?in (\S+)/.exec(s))) return `WARNING in ${fn(m[1])}`;
  if ((m = /^kernel BUG at (\S+?)(?::\d+)?!?$/.exec(s))) return `kernel BUG at ${m[1]}`;
  if (
    (m =
      /^(kernel BUG|general protection fault|divide error|invalid opcode|soft lockup|NULL pointer dereference|page fault) in (\S+)/.exec(
        s,
      ))
  ) {
    return `${m[1]} in ${fn(m[2])}`;
  }
  const cls =
    /^(INFO: task hung|possible deadlock|memory leak|inconsistent lock state|INFO: rcu detected stall|BUG: sleeping function called from invalid context|BUG: scheduling while atomic|WARNING: suspicious RCU usage|WARNING: refcount bug) in ([A-Za-z_][\w.$]*)$/.exec(
      s,
    );
  if (cls) return `${cls[1]} in ${fn(cls[2])}`;
  const syz = /^BUG: (?:unable to handle kernel )?(NULL pointer dereference|paging request) in (\S+)/.exec(s);
  if (syz) return `${syz[1] === 'paging request' ? 'page fault' : syz[1]} in ${fn(syz[2])}`;
  return undefined;
}

/** The generic class of a title that names no function, so that a following RIP line can complete it. */
export function genericClass(line: string): string | undefined {
  const s = line.replace(PREFIX_RE, '').replace(/^(?:Oops: )+/, '');
  if (
    /^(?:BUG: )?(?:kernel|Kernel|unable to handle kernel) NULL pointer dereference|^Unable to handle kernel NULL pointer/.test(
      s,
    )
  ) {
    return 'NULL pointer dereference';
  }
  if (/^BUG: unable to handle (?:page fault|kernel paging request)|^Unable to handle kernel paging request/.test(s))
    return 'page fault';
  if (/^general protection fault/.test(s)) return 'general protection fault';
  if (/^divide error/.test(s)) return 'divide error';
  if (/^invalid opcode/.test(s)) return 'invalid opcode';
  if (/^kernel BUG at /.test(s)) return 'kernel BUG';
  if (/^(?:watchdog: )?BUG: soft lockup/.test(s)) return 'soft lockup';
  return undefined;
}
