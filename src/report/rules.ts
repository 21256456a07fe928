// The oops rules as data: which console lines start a crash report, how its title is built, which stack
// frames are never to blame. The facts (patterns, title formats, skip lists) follow syzkaller's
// pkg/report (linux.go, report.go), so that kdk gives a crash the same title syzbot files it under.
//
// Pattern sources are JavaScript regular expressions with these placeholders:
//   {{ADDR}} a hex address, {{PC}} a `[<ffff...>]` program counter, {{FUNC}} a function name (captured,
//   without `.isra`/`+0x..` suffixes), {{SRC}} a `path/file.c:123` source location (captured), {{TASK}} a task
//   name (comm: up to 100 characters, newlines included, as a comm may hold one).
// A title format uses `%[N]v` for the N-th captured string; the guilty frame(s) come after the captures.

/** Marks the place in a stack spec where a whole stack trace is parsed (frames taken until the next one). */
export const STACK = '<parse stack trace>';

export interface StackSpec {
  /** Patterns matched in order, line by line; capturing ones yield frames; STACK parses a trace. */
  parts: string[];
  /** Tried when `parts` yields no frame. */
  parts2?: string[];
  /** Frames matching any of these (regex, substring match) are skipped for this format. */
  skip?: string[];
  /** A custom choice of the frame among all frames: stalls and hung tasks look deeper. */
  extractor?: 'stall' | 'hang';
}

export interface OopsFormat {
  /** Matched against the whole report; the earliest match among formats wins. */
  title: string;
  /** When present, must match too (its captures replace the title's); otherwise the report is corrupted. */
  report?: string;
  fmt: string;
  /** Alternative titles, same format syntax. */
  alt?: string[];
  stack?: StackSpec;
  /** The format needs no stack trace for the report to count as complete. */
  noStackTrace?: boolean;
  /** A report caught by this format is unreliable by construction. */
  corrupted?: boolean;
}

export interface OopsRule {
  /** Plain substring that a line must contain to start a report of this kind. */
  header: string;
  formats: OopsFormat[];
  /** Lines with the header that are not crashes. */
  suppressions: string[];
}

const RIP_FRAME = String.raw`(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))`;
const CALL_TRACE = String.raw`(?:Call (?:T|t)race:)|(?:Backtrace:)`;

export const PATTERNS = {
  ripFrame: RIP_FRAME,
  callTrace: CALL_TRACE,
  /** `[  12.345678]` timestamps, optionally `[ T123]`/`[ C1]` caller ids (captured). */
  consoleOutput: String.raw`^(?:\*\* [0-9]+ printk messages dropped \*\* )?(?:.* login: )?(?:<[0-9]+>)?\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])? `,
  taskContext: String.raw`\[ *T[0-9]+\]`,
  cpuContext: String.raw`\[ *C[0-9]+\]`,
  /** `? func+0x1/0x2` frames the unwinder was unsure about. */
  questionableFrame: String.raw`(\[<[0-9a-f]+>\])? \? `,
  /** A frame of a backtrace, as the symbolizer reads it: name, offset, size, module. */
  symbolizeFrame: String.raw`(?:\[<(?:(?:0x)?[0-9a-f]+)>\])?[ \t]+\(?(?:[0-9]+:)?([a-zA-Z0-9_.]+)\+0x([0-9a-f]+)/0x([0-9a-f]+)( ?\[([a-zA-Z0-9_.]+)( .*)?\])?\)?`,
  /** The source locations that name the guilty file. */
  // A match starts where a path starts (the leftmost match always does) and `[...]*[...]+` overlapped:
  // both made the search cubic in a line of path characters.
  fileName: String.raw`(?<![a-zA-Z0-9_\-./])([a-zA-Z0-9_\-./]*[a-zA-Z0-9_-]\.(c|h)):[0-9]+`,
  deeperPath: String.raw`^/[a-zA-Z0-9_\-./]+/[a-zA-Z0-9_-]+\.(c|h)$`,
  // Irq-state and held-lock lines say where state changed or a lock was taken, not where the bug is.
  guiltyLineIgnore: String.raw`(hardirqs|softirqs)\s+last\s+(enabled|disabled)|^Register r\d+ information|^\s*#\d+: `,
  /** The frame named in a title (`... in FUNC`). */
  titleFrame: String.raw`^.* in ((?:<[a-zA-Z0-9_: ]+>)?[a-zA-Z0-9_:]+)`,
  panicked: 'Kernel panic - not syncing',
  executorComm: String.raw` Comm: syz\.(\d+)\.(\d+) `,
  /** Console output that means the connection to the VM died, so the report is likely cut. */
  consoleHangup: 'serialport: VM disconnected.',
};

/** Titles with these are unreliable: a timestamp was merged into the middle of the header. */
export const CORRUPTED_TITLES = [String.raw`\[ *[0-9]+\.[0-9]+\]`];

/** Where stack traces start (each must be followed by frames, or the report is corrupted), each with
 * a literal it contains (a cheap test before the regex). */
export const STACK_STARTS: [string, string][] = [
  [String.raw`Call (?:T|t)race`, 'race'],
  ['Allocated:', 'Allocated:'],
  ['Allocated by task [0-9]+:', 'Allocated by task '],
  ['Freed:', 'Freed:'],
  ['Freed by task [0-9]+:', 'Freed by task '],
  // 'backtrace:' but not 'stack backtrace:'; kmemleak may add a crc.
  [String.raw`[^k] backtrace(?: \(crc [0-9a-fA-F]*\))?:`, ' backtrace'],
  ['Backtrace:', 'Backtrace:'],
  ['Uninit was stored to memory at', 'Uninit was stored to memory at'],
  [RISCV_STACK_START(), ' badaddr: '],
];
function RISCV_STACK_START(): string {
  return 'status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}';
}
export const RISCV_STACK_START_SRC = RISCV_STACK_START();

/** Lines that are stack frames (function captured). The arm form also captures the caller. */
export const FRAME_LINES = [
  '^ *(?:{{PC}} ){0,2}{{FUNC}}',
  String.raw`^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}`,
];

/** Fault-injection stacks intermixed with a report make it unreliable. */
/** A literal every corrupting line holds (a cheap test before the regexes). */
export const CORRUPTED_LINE_HINT = 'should_fail';
export const CORRUPTED_LINES = [String.raw`^( \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x`];

/** Syscall-entry prefixes stripped from frame names (the shortest result wins). */
export const STRIP_FRAME_PREFIXES = [
  'SYSC_',
  'SyS_',
  'sys_',
  '__x64_',
  '__ia32_',
  '__arm64_',
  '____sys_',
  '___sys_',
  '__sys_',
  '__se_',
  '__se_sys_',
  '__do_sys_',
  'compat_SYSC_',
  'compat_SyS_',
  'ksys_',
];

/** Frames never to blame: sanitizer runtime, printk, allocators, lock helpers, generic library code... */
export const SKIP_FRAMES = [
  '__sanitizer',
  '__asan',
  'kasan',
  'hwasan',
  '__msan',
  'kmsan',
  'kcsan_setup_watchpoint',
  'check_memory_region',
  'check_heap_object',
  'check_object',
  'read_word_at_a_time',
  '(read|write)_once_.*nocheck',
  'print_address_description',
  'panic',
  'invalid_op',
  'report_bug',
  'fixup_bug',
  'print_report',
  'print_usage_bug',
  'do_error',
  '_trap$|do_trap',
  'show_stack',
  'dump_stack',
  'walk_stack',
  'dump_backtrace',
  'warn_slowpath',
  'warn_alloc',
  'warn_bogus',
  '__warn',
  'alloc_page',
  'k?v?(?:m|z|c)alloc',
  'krealloc',
  'kmem_cache',
  'allocate_slab',
  '__alloc_frozen_pages_noprof',
  'folio_(?:alloc|unlock)',
  'filemap_alloc_folio',
  '__filemap_get_folio',
  'find_or_create_page',
  'do_read_cache_folio',
  'read_cache_page',
  'pagecache_get_page',
  'grab_cache_page_write_begin',
  'slab_',
  'debug_object',
  'timer_is_static_object',
  'work_is_static_object',
  '__might_fault',
  'print_unlock',
  'imbalance_bug',
  'lockdep',
  'bh_enable',
  'bh_disable',
  'perf_trace',
  'lock_acquire',
  'lock_release',
  'lock_class',
  'mark_lock',
  '(reacquire|mark)_held_locks',
  'raw_spin_rq',
  'spin_lock',
  'spin_trylock',
  'spin_unlock',
  'read_lock',
  'read_trylock',
  'write_lock',
  'write_trylock',
  'read_unlock',
  'write_unlock',
  '^down$',
  'down_read',
  'down_write',
  'down_read_trylock',
  'down_write_trylock',
  'down_trylock',
  'up_read',
  'up_write',
  '^mutex_',
  '^__mutex_',
  '^rt_mutex_',
  'owner_on_cpu',
  'osq_lock',
  'osq_unlock',
  'atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)',
  '(set|clear|change|test)_bit',
  '__wake_up',
  '^refcount_',
  '^kref_',
  'ref_tracker',
  'seqprop_assert',
  'memcpy',
  'memcmp',
  'memset',
  'memchr',
  'memmove',
  'memdup',
  'strcmp',
  'strncmp',
  'strcpy',
  'strlcpy',
  'strncpy',
  'strscpy',
  'strlen',
  'strstr',
  'strnstr',
  'strnlen',
  'strchr',
  'strdup',
  'strndup',
  'copy_to_user',
  'copy_from_user',
  'copy_to_iter',
  'copy_from_iter',
  'copy_page_to_iter',
  'copy_page_from_iter',
  'copy_folio_to_iter',
  '^copyin$',
  '^copyout$',
  'put_user',
  'get_user',
  'might_fault',
  'might_sleep',
  'list_add',
  'list_del',
  'list_replace',
  'list_move',
  'list_splice',
  '^rb_',
  '^__rb_',
  '_indirect_thunk_',
  'string',
  'pointer',
  'snprintf',
  'scnprintf',
  'kasprintf',
  'kvasprintf',
  'printk',
  'va_format',
  'dev_info',
  'dev_notice',
  'dev_warn',
  'dev_err',
  'dev_alert',
  'dev_crit',
  'dev_emerg',
  'program_check_exception',
  'program_check_common',
  'del_timer',
  'flush_work',
  '__cancel_work_timer',
  'cancel_work_sync',
  'try_to_grab_pending',
  'flush_workqueue',
  'drain_workqueue',
  'destroy_workqueue',
  'queue_work',
  'finish_wait',
  'kthread_stop',
  'kobject_',
  'add_uevent_var',
  'get_device_parent',
  'device_add',
  'device_del',
  'device_unregister',
  'device_destroy',
  'device_release',
  'devres_release_all',
  'hwrng_unregister',
  'i2c_del_adapter',
  '__unregister_client',
  'device_for_each_child',
  'rollback_registered',
  'unregister_netdev',
  'sysfs_remove',
  'device_remove_file',
  'tty_unregister_device',
  'dummy_urb_enqueue',
  'usb_kill_urb',
  'usb_kill_anchored_urbs',
  'usb_control_msg',
  'usb_hcd_submit_urb',
  'usb_submit_urb',
  '^complete$',
  'wait_for_completion',
  '^kv?free$',
  'kfree_skb',
  'readb$',
  'readw$',
  'readl$',
  'readq$',
  'writeb$',
  'writew$',
  'writel$',
  'writeq$',
  'logic_in',
  'logic_out',
  String.raw`^crc\d+`,
  'crc_itu_t',
  '__might_resched',
  'assertfail',
  '^iput$',
  '^iput_final$',
  '^ihold$',
  'hex_dump_to_buffer',
  'print_hex_dump',
  '^klist_',
  '(trace|lockdep)_(hard|soft)irq',
  '^(un)?lock_page',
  'stack_trace_consume_entry',
  'arch_stack_walk',
  'stack_trace_save',
  'insert_work',
  '__queue_delayed_work',
  'queue_delayed_work_on',
  'ida_free',
  'do_(kernel|translation)_fault',
  'do_mem_abort',
  'el1_abort',
  'el1h_64_sync(?:_handler)?',
  'print_tainted',
  'xas_(?:start|load|find)',
  'find_lock_entries',
  'truncate_inode_pages_range',
  '__phys_addr',
  '__fortify_report',
  'cleanup_srcu_struct',
  'rhashtable_lookup',
  'extract_(user|iter)_to_sg',
  'drop_nlink',
  '^get_taint$',
  '^put_device$',
  'lock_timer_base',
  '__timer_delete_sync',
  'sk_stop_timer_sync',
  '__mod_timer',
  'fast_dput',
  'dput',
  // Warns about a buffer its caller misused.
  'mark_buffer_dirty',
];

/** Source files never to blame for a crash (the guilty file is the first other one in the report). */
export const GUILTY_FILE_IGNORES = [
  String.raw`.*\.h`,
  '^lib/.*',
  '^virt/lib/.*',
  '^mm/kasan/.*',
  '^mm/kmsan/.*',
  '^kernel/kcov.c',
  '^mm/sl.b.c',
  '^mm/filemap.c',
  '^mm/folio-compat.c',
  '^mm/truncate.c',
  '^mm/memory.c',
  '^mm/percpu.*',
  '^mm/vmalloc.c',
  '^mm/page_alloc.c',
  '^mm/mempool.c',
  '^mm/util.c',
  '^kernel/rcu/.*',
  '^arch/.*/kernel/traps.c',
  '^arch/.*/kernel/unwind.*.c',
  '^arch/.*/mm/fault.c',
  '^arch/.*/mm/physaddr.c',
  '^arch/.*/kernel/stacktrace.c',
  '^arch/.*/kernel/apic/apic.c',
  '^arch/arm64/kernel/entry.*.c',
  String.raw`^arch/arm64/kernel/process\.c`,
  '^kernel/locking/.*',
  '^kernel/panic.c',
  '^kernel/printk/printk.*.c',
  '^kernel/softirq.c',
  '^kernel/kthread.c',
  '^kernel/sched/.*.c',
  '^kernel/stacktrace.c',
  '^kernel/time/timer.c',
  '^kernel/workqueue.c',
  '^net/core/dev.c',
  '^net/core/sock.c',
  '^net/core/skbuff.c',
  '^fs/proc/generic.c',
  '^trusty/',
  '^drivers/usb/core/urb.c',
  '^arch/.*/lib/crc.*',
];

/**
 * Short words of which every oops header, suppression and report marker contains at least one (a
 * test checks it). Finding none of them in a line proves it needs no closer look; one regex of these
 * few short words scans text about twice as fast as one of all the full headers.
 */
export const HINT_TOKENS = [
  'BUG',
  'WARNING:',
  'INFO:',
  'anic',
  'ANIC',
  'nable to handle kernel',
  'protection fault',
  'segment: ',
  'Oops: ',
  'int3:',
  'error:',
  'opcode:',
  'UBSAN:',
  'Booting the kernel',
  'unregister_netdevice',
  'VFS: ',
  'Unhandled fault:',
  'Alignment trap:',
  'SYZFA',
  'Out of memory',
  'Killed process',
  'lowmemorykiller',
  'fatal error',
  'SIGBUS',
  'stack smashing',
  'FAULT_',
  'vmalloc: allocation failure',
  'serialport: VM disconnected',
  'Disabling lock debugging',
  'Sending NMI from CPU',
];

/** Oops lines that do not start a new report when seen inside another one. */
export const REPORT_START_IGNORES = [
  'invalid opcode: 0000',
  'Kernel panic - not syncing',
  'unregister_netdevice: waiting for',
  'PANIC: double fault',
  'Internal error:',
];

/** Informational messages with a stack: inside a report they mean another report started. */
export const INFO_MESSAGES_WITH_STACK = [
  'vmalloc: allocation failure:',
  'FAULT_INJECTION: forcing a failure',
  'FAULT_FLAG_ALLOW_RETRY missing',
];

/** Console output meaning the crash is the test harness's own fault (out of memory...), not the kernel's. */
export const SUPPRESSIONS = [
  'panic: failed to start executor binary',
  'panic: executor failed: pthread_create failed',
  'panic: failed to create temp dir',
  'fatal error: unexpected signal during runtime execution',
  'signal SIGBUS: bus error',
  'SYZFAIL: SIGBUS',
  String.raw`Out of memory: Kill process .* \(syz-executor\)`,
  String.raw`Out of memory: Kill process .* \(sshd\)`,
  String.raw`Killed process .* \(syz-executor\)`,
  String.raw`Killed process .* \(sshd\)`,
  "lowmemorykiller: Killing 'syz-executor'",
  "lowmemorykiller: Killing 'sshd'",
  'INIT: PANIC: segmentation violation!',
  String.raw`\*\*\* stack smashing detected \*\*\*: terminated`,
  'fatal error: runtime: out of memory',
  'fatal error: runtime: cannot allocate memory',
  'fatal error: out of memory',
  'fatal error: newosproc',
  'panic: .*cannot allocate memory',
];

/** Anchor frames for stalls: the frame before the first anchor names the stall. */
export const STALL_ANCHOR_FRAMES = [
  'process_one_work',
  'do_syscall_',
  'do_fast_syscall_',
  'sysenter_dispatch',
  'tracesys_phase2',
  'el0_svc_handler',
  'invoke_syscall',
  'ret_fast_syscall',
  'netif_receive_skb',
  'do_softirq',
  'call_timer_fn',
  '_run_timers',
  'run_timer_softirq',
  'hrtimer_run',
  'run_ksoftirqd',
  'smpboot_thread_fn',
  '^kthread$',
  'start_secondary',
  'cpu_startup_entry',
  'ret_from_fork',
  'vfs_write',
  'vfs_read',
  'vfs_iter_read',
  'vfs_iter_write',
  'do_iter_read',
  'do_iter_write',
  'call_read_iter',
  'call_write_iter',
  'new_sync_read',
  'new_sync_write',
  'vfs_ioctl',
  'ksys_ioctl',
  'compat_ioctl',
  'compat_sys_ioctl',
  'blkdev_driver_ioctl',
  'blkdev_ioctl',
  '^call_read_iter',
  '^call_write_iter',
  'do_iter_readv_writev',
  '^call_mmap',
  'mmap_region',
  'do_mmap',
  'do_dentry_open',
  'vfs_open',
  '^sock_sendmsg',
  '^sock_recvmsg',
  '^sock_release',
  '^__sock_release',
  '^setsockopt$',
  'kernel_setsockopt',
  'sock_common_setsockopt',
  '^listen$',
  'kernel_listen',
  'sk_common_release',
  '^sock_mmap',
  '^accept$',
  'kernel_accept',
  '^sock_do_ioctl',
  '^sock_ioctl',
  '^compat_sock_ioctl',
  '^nfnetlink_rcv_msg',
  '^rtnetlink_rcv_msg',
  '^netlink_dump',
  '^(sys_)?(socketpair|connect|ioctl)',
  '__do_fault',
  'do_page_fault',
  '^page_fault$',
  '__fput',
  'task_work_run',
  'exit_to_usermode',
  'smp_call_function',
  'tasklet_action',
  'tasklet_hi_action',
];

/** Hung tasks: frames that group hangs by cause (replacement '' keeps the frame itself). */
export const HANG_ANCHORS: [string, string][] = [
  ['rtnl_lock', ''],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
/** Hung tasks: frames skipped (substring) when no anchor is found. */
export const HANG_SKIP = [
  'sched',
  '_lock',
  '_slowlock',
  'down',
  'rwsem',
  'completion',
  'kthread',
  'wait',
  'synchronize',
  'context_switch',
  '__switch_to',
  'cancel_delayed_work',
  'rcu_barrier',
];

/** Title rewrites making titles stable across runs (pids, addresses, line numbers, numbers). */
export const TITLE_REPLACEMENTS: [string, string][] = [
  [String.raw`syz-executor\.?[0-9]+((/|:)[0-9]+)?`, 'syz-executor'],
  [String.raw`syzkaller[0-9]+((/|:)[0-9]+)?`, 'syzkaller'],
  [String.raw`([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}`, '$1ADDR'],
  [String.raw`([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})`, 'IP'],
  [String.raw`(\.\w+)(:[0-9]+)+`, '$1:LINE'],
  [String.raw`([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+`, '$1'],
  [String.raw`CPU#[0-9]+`, 'CPU'],
  [String.raw`(\W)(\d+)(\W|$)`, '$1NUM$3'],
  [String.raw`(\d+){7,}`, 'NUM'],
];

function warningStack(...skip: string[]): StackSpec {
  // Newer kernels trap into WARNING and the stack starts after the RIP line; older ones just print it.
  return {
    parts: [`(?:${RIP_FRAME}|--- interrupt: [0-9]+ at {{FUNC}})`, STACK],
    parts2: [CALL_TRACE, STACK],
    skip,
  };
}
const ripThenTrace = (skip?: string[], extractor?: 'stall'): StackSpec => ({
  parts: [RIP_FRAME, CALL_TRACE, STACK],
  skip,
  extractor,
});
const trace = (skip?: string[], extractor?: 'stall' | 'hang'): StackSpec => ({
  parts: [CALL_TRACE, STACK],
  skip,
  extractor,
});
const KASAN_HW_SKIP = ['kernel_fault', 'tag_check', 'mem_abort', '^el1_', '^el1h_'];
const KFENCE_PART = String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`;
const KMSAN_PARTS = [STACK, '(Local variable .* created at:|Uninit was created at:)', STACK];
const LOCKDEP_AT = String.raw`(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}`;
const INFO_LOCKDEP_AT = String.raw`(?:.*\n)+?.*at: {{PC}} +{{FUNC}}`;

const BUG_FORMATS: OopsFormat[] = [
  {
    title: 'BUG: KASAN:',
    report: String.raw`BUG: KASAN: ([a-z\-]+) in {{FUNC}}(?:.*\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)`,
    fmt: 'KASAN: %[1]v %[3]v in %[4]v',
    alt: ['bad-access in %[4]v'],
    stack: {
      parts: [String.raw`BUG: KASAN: (?:[a-z\-]+) in {{FUNC}}`, CALL_TRACE, STACK],
      skip: KASAN_HW_SKIP,
    },
  },
  {
    title: 'BUG: KASAN:',
    report: 'BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}',
    fmt: 'KASAN: invalid-free in %[2]v',
    alt: ['invalid-free in %[2]v'],
    stack: {
      parts: ['BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}', CALL_TRACE, STACK],
      skip: ['slab_', 'kfree', 'vunmap', 'vfree'],
    },
  },
  {
    title: String.raw`BUG: KASAN: ([a-z\-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+)`,
    fmt: 'KASAN: %[1]v %[2]v',
  },
  { title: 'BUG: KASAN: (.*)', fmt: 'KASAN: %[1]v', corrupted: true },
  {
    title: 'BUG: KMSAN: kernel-usb-infoleak',
    report: 'BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}',
    fmt: 'KMSAN: kernel-usb-infoleak in %[2]v',
    alt: ['KMSAN origin in %[3]v'],
    stack: {
      parts: KMSAN_PARTS,
      skip: [
        'alloc_skb',
        'usb_submit_urb',
        'usb_start_wait_urb',
        'usb_bulk_msg',
        'usb_interrupt_msg',
        'usb_control_msg',
      ],
    },
    noStackTrace: true,
  },
  {
    title: 'BUG: KMSAN:',
    report: String.raw`BUG: KMSAN: ([a-z\-]+) in {{FUNC}}`,
    fmt: 'KMSAN: %[1]v in %[3]v',
    alt: ['bad-access in %[3]v'],
    stack: {
      parts: KMSAN_PARTS,
      // Encryption routines are where the bug shows, but generic crypto code makes a poor title.
      skip: ['alloc_skb', 'netlink_ack', 'netlink_rcv_skb', '_encrypt$', '^(?:crypto|cipher|drbg|rng)_'],
    },
    noStackTrace: true,
  },
  { title: 'BUG: KCSAN: data-race', report: 'BUG: KCSAN: (.*)', fmt: 'KCSAN: %[1]v', noStackTrace: true },
  { title: 'BUG: KCSAN:', report: 'BUG: KCSAN: (.*)', fmt: 'KCSAN: %[1]v', noStackTrace: true },
  {
    title: 'BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}',
    fmt: 'KFENCE: %[1]v %[2]v in %[4]v',
    alt: ['bad-access in %[4]v'],
    stack: { parts: [KFENCE_PART, STACK] },
  },
  {
    title: 'BUG: KFENCE: invalid free in {{FUNC}}',
    fmt: 'KFENCE: invalid free in %[2]v',
    alt: ['invalid-free in %[2]v'],
    noStackTrace: true,
    stack: { parts: [KFENCE_PART, STACK] },
  },
  {
    title: 'BUG: KFENCE: invalid (read|write) in {{FUNC}}',
    fmt: 'KFENCE: invalid %[1]v in %[3]v',
    alt: ['bad-access in %[3]v'],
    stack: { parts: [KFENCE_PART, STACK] },
  },
  {
    title: 'BUG: KFENCE: memory corruption in {{FUNC}}',
    fmt: 'KFENCE: memory corruption in %[2]v',
    noStackTrace: true,
    stack: { parts: [KFENCE_PART, STACK] },
  },
  {
    title:
      'BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)',
    fmt: 'BUG: unable to handle kernel paging request in %[1]v',
    alt: ['bad-access in %[1]v'],
    stack: ripThenTrace(),
  },
  {
    title:
      'BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)',
    fmt: 'BUG: unable to handle kernel NULL pointer dereference in %[1]v',
    alt: ['bad-access in %[1]v'],
    stack: ripThenTrace(),
  },
  {
    // The second half of this header is a separate printk and often gets lost.
    title: 'BUG: (?:unable to handle kernel|Unable to handle kernel)',
    fmt: 'BUG: unable to handle kernel',
    corrupted: true,
  },
  {
    title:
      'BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)',
    fmt: 'BUG: %[1]v %[2]v in %[3]v',
    stack: trace(['spin_', '_lock', '_unlock']),
  },
  {
    title: 'BUG: soft lockup',
    fmt: 'BUG: soft lockup in %[1]v',
    alt: ['stall in %[1]v'],
    stack: ripThenTrace(undefined, 'stall'),
  },
  {
    title: 'BUG: .*still has locks held!',
    report: String.raw`BUG: .*still has locks held!(?:.*\n)+?.*{{PC}} +{{FUNC}}`,
    fmt: 'BUG: still has locks held in %[1]v',
  },
  { title: 'BUG: scheduling while atomic', fmt: 'BUG: scheduling while atomic in %[1]v', stack: trace(['schedule']) },
  {
    title: 'BUG: lock held when returning to user space',
    report: String.raw`BUG: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held${LOCKDEP_AT}`,
    fmt: 'BUG: lock held when returning to user space in %[1]v',
    noStackTrace: true,
  },
  {
    title: 'BUG: bad unlock balance detected!',
    fmt: 'BUG: bad unlock balance in %[1]v',
    stack: { parts: ['{{PC}} +{{FUNC}}', CALL_TRACE, STACK] },
  },
  {
    title: 'BUG: held lock freed!',
    report: String.raw`BUG: held lock freed!(?:.*\n)+?.*{{PC}} +{{FUNC}}`,
    fmt: 'BUG: held lock freed in %[1]v',
  },
  { title: 'BUG: Bad rss-counter state', fmt: 'BUG: Bad rss-counter state', noStackTrace: true },
  { title: 'BUG: non-zero nr_ptes on freeing mm', fmt: 'BUG: non-zero nr_ptes on freeing mm', noStackTrace: true },
  { title: 'BUG: non-zero nr_pmds on freeing mm', fmt: 'BUG: non-zero nr_pmds on freeing mm', noStackTrace: true },
  {
    // Block device names (loop0/1/2) and filesystem types would split one bug into many titles.
    title: 'BUG: Dentry .* still in use',
    report: String.raw`BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]`,
    fmt: 'BUG: Dentry still in use in %[1]v',
    alt: ['BUG: Dentry still in use [%[1]v of %[2]v]'],
  },
  {
    title: 'BUG: Bad page (state|cache)',
    fmt: 'BUG: Bad page %[1]v in %[2]v',
    stack: {
      parts: ['page last allocated', STACK],
      skip: [
        '(free|put|get|update|release)_page',
        'free_unref',
        '^_*folio',
        'truncate_inode_pages',
        'page_frag_free',
        'alloc',
        'vmap',
        'page_owner',
      ],
    },
  },
  { title: 'BUG: Bad page map', fmt: 'BUG: Bad page map' },
  { title: 'BUG: workqueue lockup', fmt: 'BUG: workqueue lockup', noStackTrace: true },
  {
    title: 'BUG: sleeping function called from invalid context at (.*)',
    fmt: 'BUG: sleeping function called from invalid context in %[2]v',
    stack: trace(),
  },
  {
    title: String.raw`BUG: using ([a-z_]+)\(\) in preemptible`,
    fmt: 'BUG: using %[1]v() in preemptible code in %[2]v',
    stack: trace(['dump_stack', 'preemption', 'preempt', 'debug_', 'processor_id', 'this_cpu']),
  },
  {
    title: 'BUG: workqueue leaked lock or atomic',
    report: String.raw`BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)\n`,
    fmt: 'BUG: workqueue leaked lock or atomic in %[1]v',
    noStackTrace: true,
  },
  {
    title: 'BUG: memory leak',
    fmt: 'memory leak in %[1]v',
    stack: {
      parts: [String.raw`backtrace(?: \(crc [0-9a-fA-F]*\))?:`, STACK],
      skip: [
        'kmemleak',
        'mmap',
        'kmem',
        'slab',
        'alloc',
        'create_object',
        'idr_get',
        'list_lru_init',
        'kasprintf',
        'kvasprintf',
        'pcpu_create',
        'strdup',
        'strndup',
        'memdup',
      ],
    },
  },
  {
    title: 'BUG: .*stack guard page was hit at',
    fmt: 'BUG: stack guard page was hit in %[1]v',
    alt: ['stack-overflow in %[1]v'],
    stack: ripThenTrace(undefined, 'stall'),
  },
  {
    // arm/arm64 print this where amd64 prints a lockdep WARNING; same title so they dedup.
    title: 'BUG: Invalid wait context',
    fmt: 'WARNING: locking bug in %[1]v',
    stack: trace(['lock_sock', 'release_sock']),
  },
  { title: String.raw`BUG:\s*(?:\n|$)`, fmt: 'BUG: corrupted', corrupted: true },
];

const WARNING_FORMATS: OopsFormat[] = [
  {
    title: String.raw`WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check|at)`,
    fmt: 'WARNING: ODEBUG bug in %[1]v',
    // Users of ODEBUG are skipped as well.
    stack: warningStack(
      'debug_',
      'rcu',
      'hrtimer_',
      'timer_',
      'work_',
      'percpu_',
      'vunmap',
      'vfree',
      '__free_',
      'debug_check',
      'kobject_',
    ),
  },
  {
    title: String.raw`WARNING: .*mm/usercopy\.c.* (?:usercopy_warn|at)`,
    fmt: 'WARNING: bad usercopy in %[1]v',
    stack: warningStack('usercopy', '__check'),
  },
  {
    title: String.raw`WARNING: .*lib/kobject\.c.* (?:kobject_|at)`,
    fmt: 'WARNING: kobject bug in %[1]v',
    stack: warningStack('kobject_'),
  },
  {
    title: String.raw`WARNING: .*fs/proc/generic\.c.* (?:proc_register|at)`,
    fmt: 'WARNING: proc registration bug in %[1]v',
    stack: warningStack('proc_'),
  },
  {
    title: String.raw`WARNING: .*lib/refcount\.c.* (?:refcount_|at)`,
    fmt: 'WARNING: refcount bug in %[1]v',
    stack: warningStack('refcount', 'kobject_'),
  },
  {
    title: String.raw`WARNING: .*kernel/locking/lockdep\.c.*lock_`,
    fmt: 'WARNING: locking bug in %[1]v',
    stack: warningStack('lock_sock', 'release_sock'),
  },
  {
    title: 'WARNING: .*still has locks held!',
    report: String.raw`WARNING: .*still has locks held!(?:.*\n)+?.*at: {{FUNC}}`,
    fmt: 'WARNING: still has locks held in %[1]v',
  },
  {
    title: 'WARNING: Nested lock was not taken',
    fmt: 'WARNING: nested lock was not taken in %[1]v',
    stack: warningStack(),
  },
  {
    title: 'WARNING: lock held when returning to user space',
    report: String.raw`WARNING: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held${LOCKDEP_AT}`,
    fmt: 'WARNING: lock held when returning to user space in %[1]v',
    noStackTrace: true,
  },
  {
    // The first mm/ and the first .c after it are the ones to try (any later ones match no more), so the
    // scans up to them never backtrack: `.*mm/.*\.c.*` was cubic in the line length.
    title: String.raw`WARNING: (?:(?!mm/).)*mm/(?:(?!\.c).)*\.c.* k?.?malloc`,
    fmt: 'WARNING: kmalloc bug in %[1]v',
    stack: warningStack('kmalloc', 'krealloc', 'slab', 'kmem'),
  },
  {
    title: 'WARNING: .*mm/vmalloc.c.*__vmalloc_node',
    fmt: 'WARNING: zero-size vmalloc in %[1]v',
    stack: warningStack(),
  },
  {
    title: 'WARNING: .* usb_submit_urb',
    fmt: 'WARNING in %[1]v/usb_submit_urb',
    stack: warningStack('usb_submit_urb', 'usb_start_wait_urb', 'usb_bulk_msg', 'usb_interrupt_msg', 'usb_control_msg'),
  },
  { title: String.raw`WARNING: {{SRC}} at 0x\d+, CPU#\d+`, fmt: 'WARNING in %[2]v', stack: warningStack() },
  { title: 'WARNING: .* at {{SRC}} {{FUNC}}', fmt: 'WARNING in %[3]v', stack: warningStack() },
  { title: 'WARNING: {{SRC}} at {{FUNC}}', fmt: 'WARNING in %[3]v', stack: warningStack() },
  { title: String.raw`WARNING: \[.*\] {{SRC}} at {{FUNC}}.*`, fmt: 'WARNING in %[3]v', stack: warningStack() },
  {
    title: 'WARNING: possible circular locking dependency detected',
    report: String.raw`WARNING: possible circular locking dependency detected(?:.*\n)+?.*is trying to acquire lock`,
    fmt: 'possible deadlock in %[1]v',
    stack: {
      parts: ['at: (?:{{PC}} +)?{{FUNC}}', 'at: (?:{{PC}} +)?{{FUNC}}', STACK],
      // Workqueue functions take locks of work items: such deadlocks belong to the work item.
      skip: ['process_one_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue'],
    },
  },
  {
    title: 'WARNING: possible irq lock inversion dependency detected',
    report: String.raw`WARNING: possible irq lock inversion dependency detected(?:.*\n)+?.*just changed the state of lock${LOCKDEP_AT}`,
    fmt: 'possible deadlock in %[1]v',
  },
  {
    title: 'WARNING: .*-safe -> .*-unsafe lock order detected',
    fmt: 'possible deadlock in %[1]v',
    stack: { parts: ['which became (?:.*) at:', STACK] },
  },
  {
    title: 'WARNING: possible recursive locking detected',
    report: String.raw`WARNING: possible recursive locking detected(?:.*\n)+?.*is trying to acquire lock${LOCKDEP_AT}`,
    fmt: 'possible deadlock in %[1]v',
  },
  {
    title: 'WARNING: inconsistent lock state',
    report: String.raw`WARNING: inconsistent lock state(?:.*\n)+?.*takes${LOCKDEP_AT}`,
    fmt: 'inconsistent lock state in %[2]v',
    stack: trace(),
  },
  {
    title: 'WARNING: suspicious RCU usage',
    report: String.raw`WARNING: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}`,
    fmt: 'WARNING: suspicious RCU usage in %[2]v',
    stack: trace(['rcu', 'kmem', 'slab']),
  },
  {
    title: "WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value",
    fmt: "WARNING: kernel stack regs has bad '%[1]v' value",
    noStackTrace: true,
  },
  {
    title: 'WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value',
    fmt: 'WARNING: kernel stack frame pointer has bad value',
    noStackTrace: true,
  },
  {
    title: 'WARNING: bad unlock balance detected!',
    fmt: 'WARNING: bad unlock balance in %[1]v',
    stack: { parts: ['{{PC}} +{{FUNC}}', CALL_TRACE, STACK] },
  },
  {
    title: 'WARNING: held lock freed!',
    report: String.raw`WARNING: held lock freed!(?:.*\n)+?.*at:(?: {{PC}})? +{{FUNC}}`,
    fmt: 'WARNING: held lock freed in %[1]v',
  },
  {
    title: "WARNING: kernel stack regs .* has bad 'bp' value",
    fmt: 'WARNING: kernel stack regs has bad value',
    noStackTrace: true,
  },
  {
    title: 'WARNING: kernel stack frame pointer .* has bad value',
    fmt: 'WARNING: kernel stack regs has bad value',
    noStackTrace: true,
  },
  { title: String.raw`WARNING:\s*(?:\n|$)`, fmt: 'WARNING: corrupted', corrupted: true },
];

const INFO_FORMATS: OopsFormat[] = [
  {
    title: 'INFO: possible circular locking dependency detected',
    report: String.raw`INFO: possible circular locking dependency detected \](?:.*\n)+?.*is trying to acquire lock${INFO_LOCKDEP_AT}`,
    fmt: 'possible deadlock in %[1]v',
  },
  {
    title: 'INFO: possible irq lock inversion dependency detected',
    report: String.raw`INFO: possible irq lock inversion dependency detected \](?:.*\n)+?.*just changed the state of lock${INFO_LOCKDEP_AT}`,
    fmt: 'possible deadlock in %[1]v',
  },
  {
    title: 'INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected',
    report: String.raw`INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \](?:.*\n)+?.*is trying to acquire${INFO_LOCKDEP_AT}`,
    fmt: 'possible deadlock in %[1]v',
  },
  {
    title: 'INFO: possible recursive locking detected',
    report: String.raw`INFO: possible recursive locking detected \](?:.*\n)+?.*is trying to acquire lock${INFO_LOCKDEP_AT}`,
    fmt: 'possible deadlock in %[1]v',
  },
  {
    title: 'INFO: inconsistent lock state',
    report: String.raw`INFO: inconsistent lock state \](?:.*\n)+?.*takes${INFO_LOCKDEP_AT}`,
    fmt: 'inconsistent lock state in %[1]v',
  },
  {
    title: 'INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall',
    fmt: 'INFO: rcu detected stall in %[1]v',
    alt: ['stall in %[1]v'],
    stack: {
      parts: ['apic_timer_interrupt', RIP_FRAME, STACK],
      parts2: ['(?:apic_timer_interrupt|Exception stack|el1h_64_irq)', STACK],
      skip: ['apic_timer_interrupt', 'rcu'],
      extractor: 'stall',
    },
  },
  {
    title: 'INFO: trying to register non-static key',
    fmt: 'INFO: trying to register non-static key in %[1]v',
    stack: trace(['stack', 'lock', 'IRQ']),
  },
  {
    title: 'INFO: suspicious RCU usage',
    report: String.raw`INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}`,
    fmt: 'INFO: suspicious RCU usage in %[2]v',
    stack: trace(['rcu', 'kmem', 'slab']),
  },
  {
    // A task name (comm) may itself hold a newline.
    title: 'INFO: task {{TASK}} blocked (?:in I/O wait )?for more than [0-9]+ seconds',
    fmt: 'INFO: task hung in %[1]v',
    alt: ['hang in %[1]v'],
    stack: trace(undefined, 'hang'),
  },
  {
    title: "INFO: task {{TASK}} can't die for more than .* seconds",
    fmt: "INFO: task can't die in %[1]v",
    alt: ['hang in %[1]v'],
    stack: trace(['schedule']),
  },
  // Caught for corrupted old-style KASAN reports.
  { title: 'INFO: (Freed|Allocated) in (.*)', fmt: 'INFO: %[1]v in %[2]v', corrupted: true },
  { title: String.raw`INFO:\s*(?:\n|$)`, fmt: 'INFO: corrupted', corrupted: true },
];

const PANIC_FORMATS: OopsFormat[] = [
  // The kernel may fail to print the symbol and/or unwind the stack when the stack is corrupted.
  {
    title: 'Kernel panic - not syncing: stack-protector:',
    report: 'Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}',
    fmt: 'kernel panic: stack is corrupted in %[1]v',
    noStackTrace: true,
  },
  {
    title: 'Kernel panic - not syncing: stack-protector:',
    report: 'Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+',
    fmt: 'kernel panic: stack is corrupted in %[1]v',
    stack: trace(['stack_chk']),
  },
  {
    title: 'Kernel panic - not syncing: corrupted stack end',
    report: 'Kernel panic - not syncing: corrupted stack end detected inside scheduler',
    fmt: 'kernel panic: corrupted stack end in %[1]v',
    alt: ['stack-overflow in %[1]v'],
    stack: trace(['schedule', 'retint_kernel'], 'stall'),
  },
  {
    title: 'Kernel panic - not syncing: kernel stack overflow',
    fmt: 'kernel stack overflow in %[1]v',
    alt: ['stack-overflow in %[1]v'],
    stack: trace(['bad_stack'], 'stall'),
  },
  { title: 'Kernel panic - not syncing: Attempted to kill init!', fmt: 'kernel panic: Attempted to kill init!' },
  {
    title: "Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+",
    fmt: "kernel panic: Couldn't open N_TTY ldisc",
  },
  // These follow another report (BUG, WARNING, hung task): seen alone, the real header was lost.
  { title: 'Kernel panic - not syncing: Fatal exception', fmt: 'kernel panic: Fatal exception', corrupted: true },
  { title: 'Kernel panic - not syncing: panic_on_warn set', fmt: 'kernel panic: panic_on_warn set', corrupted: true },
  {
    title: 'Kernel panic - not syncing: hung_task: blocked tasks',
    fmt: 'kernel panic: hung_task: blocked tasks',
    corrupted: true,
  },
  { title: 'Kernel panic - not syncing: (.*)', fmt: 'kernel panic: %[1]v' },
];

const ripOnly = (fmt: string, title: string): OopsFormat => ({ title, fmt, stack: { parts: [RIP_FRAME] } });

/** The oops table: header, title formats (first match by position, then by order), suppressions. */
export const LINUX_OOPSES: OopsRule[] = [
  {
    header: 'BUG:',
    formats: BUG_FORMATS,
    suppressions: ['ODEBUG:', 'Boot_DEBUG:', 'xlog_status:', 'DEBUG:', 'BUG: no syscalls can create resource'],
  },
  {
    header: 'WARNING:',
    formats: WARNING_FORMATS,
    suppressions: [
      'WARNING: /etc/ssh/moduli does not exist, using fixed modulus',
      'WARNING: workqueue cpumask: online intersect > possible intersect',
      'WARNING: [Tt]he mand mount option',
      String.raw`WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1`,
      'WARNING: Unprivileged eBPF is enabled with eIBRS',
      String.raw`WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size (\((?:\d+)x(?:\d+) vs\. (?:\d+)x(?:\d+)\))`,
      'WARNING: See https.* for mitigation options.',
      'WARNING: kernel not compiled with CPU_SRSO',
      String.raw`EXT4-[Ff][Ss](?: \(.*\))?:`,
      '(?i)warning: .* uses (deprecated v2 capabilities|wireless extensions)',
      String.raw`XFS \(\w+\): WARNING`,
    ],
  },
  {
    header: 'INFO:',
    formats: INFO_FORMATS,
    suppressions: [
      'INFO: lockdep is turned off',
      'INFO: Stall ended before state dump start',
      'INFO: NMI handler',
      'INFO: recovery required on readonly filesystem',
      '(handler|interrupt).*took too long',
      'INFO: sys_.* is not present in /proc/kallsyms',
      'INFO: no syscalls can create resource',
      'rmt_storage:INFO:',
      '_INFO:',
    ],
  },
  {
    header: 'Unable to handle kernel',
    formats: [
      {
        title: 'Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)',
        fmt: 'BUG: unable to handle kernel %[1]v in %[2]v',
        alt: ['bad-access in %[2]v'],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    header: 'general protection fault',
    formats: [
      {
        title: 'general protection fault.*:',
        fmt: 'general protection fault in %[1]v',
        alt: ['bad-access in %[1]v'],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [String.raw`general protection fault .* error:\d+ in `],
  },
  {
    header: 'stack segment: ',
    formats: [{ title: 'stack segment: ', fmt: 'stack segment fault in %[1]v', stack: ripThenTrace() }],
    suppressions: [],
  },
  { header: 'Kernel panic', formats: PANIC_FORMATS, suppressions: [] },
  {
    // x86 oopses printed with their trap name (int3 hit in kernel code).
    header: 'int3:',
    formats: [{ title: 'int3: ', fmt: 'int3 in %[1]v', stack: ripThenTrace() }],
    suppressions: [],
  },
  {
    header: 'PANIC: double fault',
    formats: [ripOnly('PANIC: double fault in %[1]v', 'PANIC: double fault')],
    suppressions: [],
  },
  {
    header: 'rust_kernel: panicked',
    formats: [
      {
        title: 'rust_kernel: panicked',
        report: String.raw`rust_kernel: panicked at [^\n]*?\n(.+?)\n`,
        fmt: '%[1]v in %[2]v',
        stack: trace([String.raw`__rustc::rust_begin_unwind`]),
      },
    ],
    suppressions: [],
  },
  {
    header: 'kernel BUG',
    formats: [
      {
        title: 'kernel BUG at mm/usercopy.c',
        fmt: 'BUG: bad usercopy in %[1]v',
        stack: trace(['usercopy', '__check']),
      },
      {
        title: 'kernel BUG at lib/list_debug.c',
        fmt: 'BUG: corrupted list in %[1]v',
        alt: ['bad-access in %[1]v'],
        stack: trace(),
      },
      // skb wrappers hold many BUG_ONs, but the bug is nearly always in their caller.
      { title: 'kernel BUG at (.*)', fmt: 'kernel BUG in %[2]v', stack: ripThenTrace(['^skb_']) },
    ],
    suppressions: [],
  },
  { header: 'Kernel BUG', formats: [{ title: 'Kernel BUG (.*)', fmt: 'kernel BUG %[1]v' }], suppressions: [] },
  {
    header: 'BUG kmalloc-',
    formats: [{ title: 'BUG kmalloc-.*: Object already free', fmt: 'BUG: Object already free' }],
    suppressions: [],
  },
  { header: 'divide error:', formats: [ripOnly('divide error in %[1]v', 'divide error: ')], suppressions: [] },
  // A misspelling of the above in some kernels (x86/entry: Convert Divide Error to IDTENTRY).
  { header: 'divide_error:', formats: [ripOnly('divide error in %[1]v', 'divide_error: ')], suppressions: [] },
  { header: 'invalid opcode:', formats: [ripOnly('invalid opcode in %[1]v', 'invalid opcode: ')], suppressions: [] },
  {
    header: 'UBSAN:',
    formats: [
      {
        title: 'UBSAN:',
        report: 'UBSAN: Undefined behaviour in',
        fmt: 'UBSAN: undefined-behaviour in %[1]v',
        stack: trace(['ubsan', 'overflow']),
      },
      {
        title: 'UBSAN: array-index-out-of-bounds in',
        fmt: 'UBSAN: array-index-out-of-bounds in %[1]v',
        alt: ['bad-access in %[1]v'],
        stack: trace(['ubsan', 'overflow']),
      },
      { title: 'UBSAN:', report: 'UBSAN: (.*?) in', fmt: 'UBSAN: %[1]v in %[2]v', stack: trace(['ubsan', 'overflow']) },
    ],
    suppressions: [],
  },
  {
    header: 'Booting the kernel.',
    formats: [{ title: '^Booting the kernel', fmt: 'unexpected kernel reboot', noStackTrace: true }],
    // The fuzzer may echo boot messages back through a mount option; that is no reboot.
    suppressions: ["Parsing ELF|Decompressing Linux|Unknown parameter '"],
  },
  {
    header: 'unregister_netdevice: waiting for',
    formats: [
      {
        title: 'unregister_netdevice: waiting for (?:.*) to become free',
        fmt: 'unregister_netdevice: waiting for DEV to become free',
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    header: 'VFS: Close: file count is 0',
    formats: [
      {
        title: 'VFS: Close: file count is 0',
        fmt: 'VFS: Close: file count is zero (use-after-free)',
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    header: 'VFS: Busy inodes after unmount',
    formats: [
      {
        title: 'VFS: Busy inodes after unmount',
        fmt: 'VFS: Busy inodes after unmount (use-after-free)',
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    header: 'Internal error:',
    formats: [
      { title: 'Internal error:', fmt: 'Internal error in %[1]v', alt: ['bad-access in %[1]v'], stack: ripThenTrace() },
    ],
    suppressions: [],
  },
  {
    header: 'Unhandled fault:',
    formats: [
      {
        title: 'Unhandled fault:',
        fmt: 'Unhandled fault in %[1]v',
        alt: ['bad-access in %[1]v'],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    header: 'Alignment trap:',
    formats: [{ title: 'Alignment trap:', fmt: 'Alignment trap in %[1]v', stack: ripThenTrace() }],
    suppressions: [],
  },
  {
    header: 'trusty: panic',
    formats: [
      {
        title: 'trusty: panic.* ASSERT FAILED',
        report: String.raw`trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+)`,
        fmt: 'trusty: ASSERT FAILED: %[1]v',
        noStackTrace: true,
      },
      { title: 'trusty: panic.* ASSERT FAILED.*: *(.*)', fmt: 'trusty: ASSERT FAILED: %[1]v', corrupted: true },
      {
        title: 'trusty: panic',
        report: String.raw`trusty: panic \(.*?\): (.+)`,
        fmt: 'trusty: panic: %[1]v',
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    header: 'fatal error:',
    formats: [{ title: 'fatal error:', fmt: 'go runtime error', noStackTrace: true }],
    suppressions: ['ALSA', 'fatal error: cannot create timer'],
  },
  // Failures of the test harness itself (syzkaller's executor and fuzzer).
  {
    header: 'SYZFAIL:',
    formats: [{ title: 'SYZFAIL:(.*)', fmt: 'SYZFAIL:%[1]v', noStackTrace: true }],
    suppressions: [],
  },
  {
    header: 'SYZFATAL:',
    formats: [{ title: 'SYZFATAL:(.*)()', alt: ['SYZFATAL%[2]v'], fmt: 'SYZFATAL:%[1]v', noStackTrace: true }],
    suppressions: [],
  },
  {
    header: 'panic:',
    formats: [
      { title: 'panic: Sentry detected .* stuck task', fmt: 'panic: Sentry detected stuck tasks', noStackTrace: true },
      { title: 'panic:(.*)', fmt: 'panic:%[1]v', noStackTrace: true },
    ],
    // Kernel functions such as skb_panic print this too.
    suppressions: ['_panic:', 'xlog_status:', String.raw`ddb\.onpanic:`, 'evtlog_status:'],
  },
];

/** Crash class from the title: the first entry with a matching prefix wins ('' = unknown). */
export const TITLE_TYPES: [string, string[]][] = [
  ['KFENCE-USE-AFTER-FREE-WRITE', ['KFENCE: use-after-free write']],
  ['KFENCE-USE-AFTER-FREE-READ', ['KFENCE: use-after-free read', 'KFENCE: use-after-free']],
  ['KFENCE-WRITE', ['KFENCE: invalid write', 'KFENCE: out-of-bounds write']],
  ['KFENCE-READ', ['KFENCE: invalid read', 'KFENCE: out-of-bounds read', 'KFENCE: out-of-bounds']],
  ['KFENCE-MEMORY-CORRUPTION', ['KFENCE: memory corruption']],
  ['KFENCE-INVALID-FREE', ['KFENCE: invalid free']],
  ['KMSAN-UNINIT-VALUE', ['KMSAN: uninit-value']],
  [
    'KMSAN-USE-AFTER-FREE-READ',
    ['KMSAN: kernel-infoleak-after-free', 'KMSAN: kernel-usb-infoleak-after-free', 'KMSAN: use-after-free'],
  ],
  ['KMSAN-INFO-LEAK', ['KMSAN: kernel-infoleak', 'KMSAN: kernel-usb-infoleak']],
  ['KASAN-NULL-POINTER-DEREFERENCE-WRITE', ['KASAN: null-ptr-deref Write']],
  ['KASAN-NULL-POINTER-DEREFERENCE-READ', ['KASAN: null-ptr-deref Read']],
  ['NULL-POINTER-DEREFERENCE', ['BUG: unable to handle kernel NULL pointer dereference in']],
  [
    'KASAN-WRITE',
    [
      'KASAN: global-out-of-bounds Write',
      'KASAN: out-of-bounds Write',
      'KASAN: slab-out-of-bounds Write',
      'KASAN: stack-out-of-bounds Write',
      'KASAN: user-memory-access Write',
      'KASAN: vmalloc-out-of-bounds Write',
      'KASAN: wild-memory-access Write',
    ],
  ],
  [
    'KASAN-READ',
    [
      'KASAN: global-out-of-bounds Read',
      'KASAN: invalid-access Read',
      'KASAN: out-of-bounds Read',
      'KASAN: slab-out-of-bounds Read',
      'KASAN: slab-out-of-bounds',
      'KASAN: stack-out-of-bounds Read',
      'KASAN: stack-out-of-bounds',
      'KASAN: unknown-crash Read',
      'KASAN: user-memory-access Read',
      'KASAN: vmalloc-out-of-bounds Read',
      'KASAN: wild-memory-access Read',
      'KASAN: wild-memory-access',
    ],
  ],
  ['KASAN-INVALID-FREE', ['KASAN: double-free or invalid-free', 'KASAN: invalid-free']],
  ['KASAN-USE-AFTER-FREE-WRITE', ['KASAN: slab-use-after-free Write', 'KASAN: use-after-free Write']],
  [
    'KASAN-USE-AFTER-FREE-READ',
    ['KASAN: slab-use-after-free Read', 'KASAN: use-after-free Read', 'KASAN: use-after-free'],
  ],
  ['MEMORY_SAFETY_BUG', ['BUG: corrupted list', 'BUG: unable to handle kernel paging request']],
  ['REFCOUNT_WARNING', ['WARNING: refcount bug']],
  ['MEMORY_SAFETY_UBSAN', ['UBSAN: array-index-out-of-bounds']],
  ['KCSAN-DATARACE', ['KCSAN: data-race']],
  ['KCSAN-ASSERT', ['KCSAN: assert: race in']],
  [
    'LOCKDEP',
    [
      'BUG: bad unlock balance in',
      'BUG: held lock freed in',
      'BUG: rwlock',
      'BUG: spinlock',
      'BUG: still has locks held in',
      'BUG: using',
      'WARNING: bad unlock balance in',
      'WARNING: held lock freed in',
      'WARNING: lock held',
      'WARNING: locking bug in',
      'WARNING: nested lock was not taken in',
      'WARNING: still has locks held in',
      'WARNING: suspicious RCU usage in',
      'inconsistent lock state in',
      'possible deadlock in',
    ],
  ],
  ['ATOMIC_SLEEP', ['BUG: scheduling while atomic in', 'BUG: sleeping function called from invalid context in']],
  ['LEAK', ['memory leak in']],
  ['BUG', ['BUG: bad usercopy in', 'kernel BUG']],
  ['WARNING', ['WARNING in']],
  [
    '',
    [
      'BUG: stack guard page was hit in',
      'WARNING: corrupted',
      'WARNING: kernel stack frame pointer has bad value',
      'WARNING: kernel stack regs has bad',
    ],
  ],
  ['HANG', ['BUG: soft lockup in', 'INFO: rcu detected stall in', "INFO: task can't die in", 'INFO: task hung in']],
  [
    'DoS',
    [
      'Alignment trap in',
      'BUG: Object already free',
      'Internal error in',
      'PANIC: double fault',
      'Unhandled fault in',
      'VFS: Busy inodes after unmount (use-after-free)',
      'VFS: Close: file count is zero (use-after-free)',
      'divide error in',
      'general protection fault in',
      'go runtime error',
      'int3 in',
      'invalid opcode in',
      'kernel panic:',
      'kernel stack overflow',
      'panic:',
      'rust_kernel panicked',
      'stack segment fault in',
      'trusty:',
      'unregister_netdevice: waiting for DEV to become free',
    ],
  ],
  ['REBOOT', ['unexpected kernel reboot']],
  ['SYZ_FAILURE', ['SYZFAIL', 'SYZFATAL:']],
  // Defaults by family.
  ['WARNING', ['WARNING:']],
  ['', ['BUG:', 'INFO:']],
  ['KASAN-UNKNOWN', ['KASAN:']],
  ['KFENCE-UNKNOWN', ['KFENCE:']],
  ['KMSAN-UNKNOWN', ['KMSAN:']],
  ['UBSAN', ['UBSAN:']],
  ['KCSAN-UNKNOWN', ['KCSAN:']],
];
