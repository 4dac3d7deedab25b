/* QEMU TCG plugin (plugin API version 1, QEMU 7.x) for bench/cortex_m.sh:
 * counts every executed guest instruction and, each time the instruction at
 * mark=ADDR is about to execute, records the count so far. At exit it writes
 * "mark N" lines and "total N" to out=FILE (default stderr).
 * Build: cc -shared -fPIC -O2 -o insncount.so insncount.c
 * The few API declarations used are written out (Debian ships no header). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
extern uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                                  void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
/* op 0: QEMU_PLUGIN_INLINE_ADD_U64 */
extern void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, int op, void *ptr,
                                                       uint64_t imm);
/* flags 0: QEMU_PLUGIN_CB_NO_REGS */
extern void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, void (*cb)(unsigned int, void *),
                                                   int flags, void *userdata);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *),
                                           void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

enum { kMaxMarks = 64 };
static uint64_t executed, mark_pc = UINT64_MAX, marks[kMaxMarks];
static unsigned nmarks;
static char out_path[4096];

static void at_mark(unsigned int cpu, void *userdata) {
  (void)cpu;
  (void)userdata;
  if (nmarks < kMaxMarks) marks[nmarks++] = executed;
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  size_t n = qemu_plugin_tb_n_insns(tb), i;
  (void)id;
  for (i = 0; i < n; ++i) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    /* The callback runs before this instruction's own increment. */
    if (qemu_plugin_insn_vaddr(insn) == mark_pc) qemu_plugin_register_vcpu_insn_exec_cb(insn, at_mark, 0, NULL);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, 0, &executed, 1);
  }
}

static void at_exit(qemu_plugin_id_t id, void *userdata) {
  FILE *f = out_path[0] ? fopen(out_path, "w") : stderr;
  unsigned i;
  (void)id;
  (void)userdata;
  if (!f) f = stderr;
  for (i = 0; i < nmarks; ++i) fprintf(f, "mark %llu\n", (unsigned long long)marks[i]);
  fprintf(f, "total %llu\n", (unsigned long long)executed);
  if (f != stderr) fclose(f);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                                               int argc, char **argv) {
  int i;
  (void)info;
  for (i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "mark=", 5) == 0) {
      mark_pc = strtoull(argv[i] + 5, NULL, 0) & ~1ull; /* Thumb bit off */
    } else if (strncmp(argv[i], "out=", 4) == 0) {
      snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
    } else {
      fprintf(stderr, "insncount: unknown argument %s\n", argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
