// qemu-user TCG plugin: counts the guest instructions one thread executes between two marker system calls, as a
// hardware-independent proxy for the cost of an inference under emulation (emulated time is not). The measuring
// program (arm64-e2e's InstructionCountDriver) brackets the code with lseek(fd, EDGERT_INSN_START, SEEK_SET) and
// lseek(fd, EDGERT_INSN_STOP, SEEK_SET) on any open file; at the stop marker the count of that thread is printed on
// stderr as "edgert-insn <count>". Other threads (JIT compiler, GC) are not counted.
//
// Counting is per translation block: the whole block is added when it starts executing (a block left early by an
// exception is over-counted; none happen in the kernels). Built against QEMU 7.2's qemu-plugin.h (plugin API 1) by
// .ci/arm64-insn-plugin.sh.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum { kMaxVcpus = 4096, kSysLseekAarch64 = 62 };
// Marker offsets: about 1 TB, beyond any position the JVM seeks to yet within what file systems accept.
static const uint64_t kStart = 0xED6E000001ull;
static const uint64_t kStop = 0xED6E000002ull;

// In user mode every guest thread is its own vCPU, so per-index counters need no atomics.
static uint64_t counts[kMaxVcpus];
static int counting[kMaxVcpus];

static void OnBlock(unsigned int vcpu, void* n_insns) {
  if (vcpu < kMaxVcpus && counting[vcpu]) counts[vcpu] += (uintptr_t)n_insns;
}

static void OnTranslate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  qemu_plugin_register_vcpu_tb_exec_cb(tb, OnBlock, QEMU_PLUGIN_CB_NO_REGS,
                                       (void*)(uintptr_t)qemu_plugin_tb_n_insns(tb));
}

static void OnSyscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8) {
  if (num != kSysLseekAarch64 || vcpu >= kMaxVcpus) return;
  if (a2 == kStart) {
    counts[vcpu] = 0;
    counting[vcpu] = 1;
  } else if (a2 == kStop && counting[vcpu]) {
    counting[vcpu] = 0;
    fprintf(stderr, "edgert-insn %" PRIu64 "\n", counts[vcpu]);
    fflush(stderr);
  }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv) {
  qemu_plugin_register_vcpu_tb_trans_cb(id, OnTranslate);
  qemu_plugin_register_vcpu_syscall_cb(id, OnSyscall);
  return 0;
}
