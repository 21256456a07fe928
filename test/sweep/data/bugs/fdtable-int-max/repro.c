// CVE-2025-39756 (mainline 04a2c4b4511d, 6.1.149 628fc28f42d9): with fs.nr_open near 2^30 (what systemd sets),
// a descriptor just under the limit makes alloc_fdtable() ask kvmalloc for an 8 GiB fd array, past INT_MAX,
// and kvmalloc warns. The fixed kernel returns EMFILE before allocating. Written for kdk from the fix's
// description (its reproducer's descriptor is above nr_open, which dup2 refuses earlier: this one is below).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void) {
  const unsigned long nr_open = 1073741816; /* 0x3ffffff8 */
  int fd = open("/proc/sys/fs/nr_open", O_WRONLY);
  if (fd < 0) {
    perror("open /proc/sys/fs/nr_open");
    return 2;
  }
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%lu\n", nr_open);
  if (write(fd, buf, n) != n) {
    perror("write nr_open");
    return 2;
  }
  close(fd);
  struct rlimit rl = {nr_open, nr_open};
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
    perror("setrlimit");
    return 2;
  }
  int r = dup2(2, (int)(nr_open - 100));
  printf("dup2 to %lu: %d (%s)\n", nr_open - 100, r, r < 0 ? strerror(errno) : "ok");
  return 0;
}
