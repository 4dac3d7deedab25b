/* Minimal bare-metal start for bench/cortex_m.sh on QEMU's MPS2 boards:
 * vector table, reset (FPU on, .data copied, .bss zeroed, main), semihosting
 * output and exit, and bench_mark(), the function whose entries the
 * instruction-count plugin records. Needs nothing from a C runtime. */
#include <stdint.h>

extern uint32_t bench_data_start[], bench_data_end[], bench_data_load[];
extern uint32_t bench_bss_start[], bench_bss_end[], bench_stack_top[];
int main(void);
void bench_reset(void);
void bench_fault(void);

__attribute__((section(".bench_vectors"), used)) static void (*const bench_vectors[16])(void) = {
    (void (*)(void))bench_stack_top, bench_reset, bench_fault, bench_fault, bench_fault, bench_fault,
    bench_fault};

/* Arm semihosting call (QEMU: -semihosting-config enable=on). */
static uint32_t bench_semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void bench_puts(const char *s) { bench_semihost(0x04 /* SYS_WRITE0 */, s); }

__attribute__((noreturn)) void bench_exit(int status) {
  /* SYS_EXIT: QEMU exits 0 for ApplicationExit, 1 for anything else. */
  bench_semihost(0x18, (const void *)(uintptr_t)(status == 0 ? 0x20026u : 0x20023u));
  for (;;) {
  }
}

/* The plugin counts instructions executed before each entry to this function. */
__attribute__((noinline, used)) void bench_mark(void) { __asm__ volatile("" ::: "memory"); }

void bench_fault(void) {
  bench_puts("bench: cpu fault\n");
  bench_exit(3);
}

__attribute__((noreturn)) void bench_reset(void) {
  uint32_t *d = bench_data_start, *s = bench_data_load;
#if defined(__ARM_FP)
  /* CPACR: full access to coprocessors 10 and 11 (the FPU). */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  while (d < bench_data_end) *d++ = *s++;
  for (d = bench_bss_start; d < bench_bss_end;) *d++ = 0;
  bench_exit(main());
}
