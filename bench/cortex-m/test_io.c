/* stdio for the kernel tests bench/cortex-m/kernel_tests.sh runs under QEMU:
 * newlib's write goes to semihosting (startup.c's bench_puts), and the
 * _fini newlib's exit path wants (nosys.specs has none). */
#include <string.h>

void bench_puts(const char *s);
int _write(int fd, const char *buf, int len);
void _fini(void);

int _write(int fd, const char *buf, int len) {
  char t[129];
  int i = 0;
  (void)fd;
  while (i < len) {
    const int n = len - i < 128 ? len - i : 128;
    memcpy(t, buf + i, (size_t)n);
    t[n] = 0;
    bench_puts(t);
    i += n;
  }
  return len;
}

void _fini(void) {}
