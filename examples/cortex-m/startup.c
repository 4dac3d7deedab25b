/* Minimal bare-metal start for QEMU's mps2-an386 (Cortex-M4F): vector table,
 * reset (FPU on, .data copied, .bss zeroed, main), output and exit over Arm
 * semihosting (QEMU: -semihosting-config enable=on), and cm_mark(), an empty
 * function the test's instruction-count plugin watches. */
#include <stdint.h>

extern uint32_t cm_data_start[], cm_data_end[], cm_data_load[];
extern uint32_t cm_bss_start[], cm_bss_end[];
void cm_stack_top(void); /* the linker script's top of RAM: a function only so ISO C lets it in the table */
int main(void);
void cm_reset(void);
void cm_fault(void);
void cm_puts(const char *s);
void cm_mark(void);

__attribute__((section(".cm_vectors"), used)) static void (*const cm_vectors[16])(void) = {
    cm_stack_top, cm_reset, cm_fault, cm_fault, cm_fault, cm_fault, cm_fault};

static uint32_t cm_semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void cm_puts(const char *s) { cm_semihost(0x04 /* SYS_WRITE0 */, s); }

__attribute__((noreturn)) static void cm_exit(int status) {
  /* SYS_EXIT: QEMU exits with 0 for ApplicationExit, 1 for anything else. */
  cm_semihost(0x18, (const void *)(uintptr_t)(status == 0 ? 0x20026u : 0x20023u));
  for (;;) {
  }
}

/* Call before and after the code to measure; must not be inlined or merged. */
__attribute__((noinline, used)) void cm_mark(void) { __asm__ volatile("" ::: "memory"); }

void cm_fault(void) {
  cm_puts("cortex-m: cpu fault\n");
  cm_exit(3);
}

__attribute__((noreturn)) void cm_reset(void) {
  uint32_t *d = cm_data_start, *s = cm_data_load;
  /* CPACR: full access to coprocessors 10 and 11 (the FPU) before any float code. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  while (d < cm_data_end) *d++ = *s++;
  for (d = cm_bss_start; d < cm_bss_end;) *d++ = 0;
  cm_exit(main());
}
