// Reproducer of the sample bundle: asks LKDTM (the kernel's crash test module, CONFIG_LKDTM) for a WARNING.
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  int fd = open("/sys/kernel/debug/provoke-crash/DIRECT", O_WRONLY);
  if (fd < 0) return 2; /* no debugfs or no LKDTM in this kernel */
  write(fd, "WARNING", strlen("WARNING"));
  return 0;
}
