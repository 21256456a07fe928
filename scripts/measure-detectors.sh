#!/bin/bash
# What each debug detector of `kdk plan mvp` costs, measured (issue 13): one small kernel per detector (x86_64
# tinyconfig + a serial-console base, the detector's options on top), built cold without ccache, then booted under
# QEMU TCG to the panic for the missing init (no root file system given: the end of the kernel's own boot).
# One JSON line per kernel: CPU seconds of the build, bzImage/vmlinux bytes,
# seconds to the panic (wall, and the kernel's own timestamp), the memory the kernel kept for itself (the
# `Memory: A/T available` line: T - A). The figures become src/plan/mvp-costs.ts's measured defaults.
# usage: scripts/measure-detectors.sh TREE OUTDIR [variant...]
# Environment (each recorded in the JSON line):
#   LLVM=-14      build with clang-14/lld-14 (the kernel's own `make LLVM=-14`): KMSAN needs clang, and its ratios
#                 are against a plain kernel built the same way (`LLVM=-14 ... plain KMSAN`)
#   APPEND=...    extra kernel parameters for the boot (e.g. no_timer_check)
#   MEM=512       the guest's -m in MB
#   BOOT_TIMEOUT=600  seconds before QEMU is stopped (a guest too small for the kernel may hang, not panic)
#   BOOT_ONLY=1   boot the bzImage already in OUTDIR/variant again, no build (CPU seconds are then null)
set -u
TREE=$1; OUT=$2; shift 2
mkdir -p "$OUT"
LLVM=${LLVM:-}; APPEND=${APPEND:-}; MEM=${MEM:-512}; BOOT_ONLY=${BOOT_ONLY:-}; BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}
TC=(); [ -n "$LLVM" ] && TC=(LLVM="$LLVM")
BASE="64BIT PRINTK PRINTK_TIME BUG KALLSYMS TTY SERIAL_8250 SERIAL_8250_CONSOLE BINFMT_ELF PROC_FS SYSFS SLUB SMP DEBUG_KERNEL FRAME_POINTER UNWINDER_FRAME_POINTER"
declare -A V=(
  [plain]=""
  [KASAN]="KASAN KASAN_GENERIC KASAN_INLINE"
  [KASAN_OUTLINE]="KASAN KASAN_GENERIC KASAN_OUTLINE"
  [KFENCE]="KFENCE"
  [UBSAN]="UBSAN UBSAN_BOUNDS UBSAN_SHIFT UBSAN_DIV_ZERO UBSAN_BOOL UBSAN_ENUM"
  [LOCKDEP]="PROVE_LOCKING"
  [KCSAN]="KCSAN"
  [KMEMLEAK]="DEBUG_KMEMLEAK"
  [DEBUG_LIST]="DEBUG_LIST"
  [FORTIFY_SOURCE]="FORTIFY_SOURCE"
  [HARDENED_USERCOPY]="HARDENED_USERCOPY"
  [DEBUG_OBJECTS]="DEBUG_OBJECTS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_WORK DEBUG_OBJECTS_RCU_HEAD"
  [DEBUG_ATOMIC_SLEEP]="DEBUG_ATOMIC_SLEEP"
  # DEBUG_PREEMPT needs a preemptible kernel (Debian's is: PREEMPT_DYNAMIC); the base is not, so PREEMPT is in it.
  [DEBUG_PREEMPT]="PREEMPT DEBUG_PREEMPT"
  # Needs clang (HAVE_KMSAN_COMPILER: CC_IS_CLANG, clang >= 14, -fsanitize=kernel-memory): run with LLVM=-14.
  [KMSAN]="KMSAN"
)
NAMES=("$@"); [ ${#NAMES[@]} -eq 0 ] && NAMES=(plain KASAN KFENCE UBSAN LOCKDEP KCSAN KMEMLEAK DEBUG_LIST FORTIFY_SOURCE HARDENED_USERCOPY DEBUG_OBJECTS KASAN_OUTLINE DEBUG_ATOMIC_SLEEP DEBUG_PREEMPT)
for n in "${NAMES[@]}"; do
  O="$OUT/$n"
  lost=""; rc=0; wall=null; cpu=null
  if [ -z "$BOOT_ONLY" ]; then
    rm -rf "$O"; mkdir -p "$O"
    make -s -C "$TREE" O="$O" ARCH=x86_64 "${TC[@]}" tinyconfig >/dev/null
    for s in $BASE ${V[$n]}; do echo "CONFIG_$s=y" >> "$O/.config"; done
    make -s -C "$TREE" O="$O" ARCH=x86_64 "${TC[@]}" olddefconfig >/dev/null
    for s in $BASE ${V[$n]}; do grep -qx "CONFIG_$s=y" "$O/.config" || lost="$lost $s"; done
    /usr/bin/time -o "$O/time" -f '%e %U %S' make -s -C "$TREE" O="$O" ARCH=x86_64 "${TC[@]}" -j2 bzImage > "$O/build.log" 2>&1
    rc=$?
    read -r wall user sys < <(tail -1 "$O/time")
    cpu=$(echo "$user + $sys" | bc)
  fi
  img=$(stat -c %s "$O/arch/x86/boot/bzImage" 2>/dev/null || echo 0)
  vml=$(stat -c %s "$O/vmlinux" 2>/dev/null || echo 0)
  boot=null; ktime=null; memtot=null; memavail=null
  if [ "$rc" = 0 ]; then
    t0=$(date +%s.%N)
    timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -m "$MEM" -smp 2 -kernel "$O/arch/x86/boot/bzImage" \
      -append "console=ttyS0 panic=-1${APPEND:+ $APPEND}" -nographic -no-reboot -monitor none -serial "file:$O/console.log" >/dev/null 2>&1
    t1=$(date +%s.%N)
    # Only the panic for the missing init ends a whole boot (an early panic, e.g. the IO-APIC timer check, does not).
    if grep -q "No working init found" "$O/console.log"; then
      boot=$(echo "$t1 - $t0" | bc)
      ktime=$(grep -m1 "No working init found" "$O/console.log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
    fi
    m=$(grep -m1 -o 'Memory: [0-9]*K/[0-9]*K available' "$O/console.log")
    memavail=$(echo "$m" | sed -n 's/Memory: \([0-9]*\)K.*/\1/p'); memtot=$(echo "$m" | sed -n 's/.*\/\([0-9]*\)K.*/\1/p')
    [ -z "$memavail" ] && memavail=null && memtot=null
  fi
  echo "{\"variant\":\"$n\",\"llvm\":\"$LLVM\",\"append\":\"$APPEND\",\"memMB\":$MEM,\"options\":\"${V[$n]}\",\"lost\":\"${lost# }\",\"rc\":$rc,\"wallSeconds\":$wall,\"cpuSeconds\":$cpu,\"bzImage\":$img,\"vmlinux\":$vml,\"bootSeconds\":$boot,\"panicAt\":${ktime:-null},\"memTotalK\":$memtot,\"memAvailableK\":$memavail}" >> "$OUT/results.jsonl"
  # Objects go (hundreds of MB each); the bzImage and vmlinux stay, so a boot can be repeated (BOOT_ONLY=1).
  [ -z "$BOOT_ONLY" ] && rm -rf "$O"/{kernel,mm,fs,lib,drivers,init,net,security,block,crypto,ipc,certs,virt,sound,io_uring,usr,scripts,tools,include,.tmp*} 2>/dev/null
done
