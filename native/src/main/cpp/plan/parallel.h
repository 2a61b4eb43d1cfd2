// Intra-op parallelism: a persistent thread pool (created by edgert_plan_set_threads, never per inference) and
// ParallelFor, which kernels call to split an op into tasks.
//
// A kernel splits its output into n independent tasks (row tiles, channel blocks, element chunks) and calls
// ParallelFor(p, n, work, fn): fn(worker, task) runs once per task, on the calling thread (worker 0) or a pool
// worker (1..threads-1), tasks handed out dynamically (an atomic counter), so a worker that wakes late or shares
// its core with another process just takes fewer. Every task writes its own outputs and computes them exactly as
// the single-threaded kernel would, so results are bit-identical for any thread count. Below a work threshold
// (about ParallelMinWork multiply-adds) or with one thread, fn runs inline for every task: small ops are not worth
// a cross-core handoff.
//
// Workers spin briefly after each parallel region (ops follow each other within microseconds), then sleep on a
// condition variable; the caller only wakes sleepers. The caller, once out of tasks, spins about 50 us for tasks
// still running on workers, then sleeps until the last one finishes (its core free for a preempted worker). Per-worker scratch (im2col rows) comes from WorkerScratch.
#ifndef EDGERT_PLAN_PARALLEL_H_
#define EDGERT_PLAN_PARALLEL_H_

#include <stdint.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ref/kernels.h"

namespace edgert {

constexpr int kMaxThreads = 64;

class ThreadPool {
 public:
  typedef void (*TaskFn)(void* ctx, int worker, int task);

  // Starts threads - 1 workers (1 <= threads <= kMaxThreads).
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return threads_; }

  // Runs fn(ctx, worker, task) for every task in [0, n_tasks) and returns when all are done. The caller is worker
  // 0. Not reentrant: one region at a time (a plan runs its ops in order).
  void Run(int n_tasks, TaskFn fn, void* ctx);

  // Scratch of worker w (1..threads-1) with at least the bytes last passed to ReserveScratch; worker 0 uses the
  // op's own PackedGemm::scratch.
  uint8_t* Scratch(int worker) { return scratch_[worker].data(); }
  // Grows every worker's scratch to bytes (at prepare / set_threads, never during a run).
  void ReserveScratch(size_t bytes);

 private:
  // state_: epoch (16 bits) | task count (24) | next task (24). One atomic word, so a task is claimed (CAS) only
  // while its region is live; fn_/ctx_ are stable from a successful claim until that task is counted done.
  static uint64_t Pack(uint64_t epoch, uint64_t n, uint64_t next) { return (epoch << 48) | (n << 24) | next; }
  void WorkerLoop(int worker);
  void RunTasks(int worker);

  int threads_;
  std::vector<std::thread> workers_;
  std::vector<std::vector<uint8_t>> scratch_;
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<int> sleepers_{0};
  std::condition_variable done_cv_;           // the caller waits here for tasks still running on workers
  std::atomic<bool> caller_sleeping_{false};
  std::atomic<bool> stop_{false};  // set under mu_
};

// Multiply-adds (or element operations weighted alike) below which an op runs on one thread (64 Ki, or the
// environment variable EDGERT_PARALLEL_MIN_WORK read at load).
int64_t ParallelMinWork();
// Tests lower it to 0 to exercise the splits on small shapes; < 0 restores the default.
void SetParallelMinWorkForTesting(int64_t work);

// Worker w's scratch for op p (worker 0: p.gemm.scratch).
inline uint8_t* WorkerScratch(const OpParams& p, int worker) {
  return worker == 0 ? p.gemm.scratch.data() : p.pool->Scratch(worker);
}

// Threads an op may use: 1 without a pool, or when its work (multiply-adds) is below the threshold.
inline int UsableThreads(const OpParams& p, int64_t work) {
  return p.pool == nullptr || work < ParallelMinWork() ? 1 : p.pool->threads();
}

// Runs fn(worker, task) for task in [0, n_tasks): on the pool when it has more than one thread, n_tasks > 1 and
// work >= ParallelMinWork(), else inline in task order. fn must not call intrinsics of a target ISA directly (a
// lambda does not inherit its enclosing function's target attribute): call a target-attributed function.
template <typename F>
inline void ParallelFor(const OpParams& p, int n_tasks, int64_t work, const F& fn) {
  if (n_tasks <= 1 || UsableThreads(p, work) == 1) {
    for (int t = 0; t < n_tasks; ++t) fn(0, t);
    return;
  }
  p.pool->Run(
      n_tasks, [](void* ctx, int worker, int task) { (*static_cast<const F*>(ctx))(worker, task); },
      const_cast<void*>(static_cast<const void*>(&fn)));
}

// Splits [0, n) into at most max_parts near-equal contiguous ranges whose starts are multiples of align (the last
// range takes the rest): the count of ranges, each of at least min_size elements where n allows.
struct Split {
  int64_t n = 0, step = 0;
  int parts = 1;
  int64_t Begin(int part) const { return part * step; }
  int64_t End(int part) const { return part + 1 == parts ? n : (part + 1) * step; }
};
inline Split SplitRange(int64_t n, int max_parts, int64_t align, int64_t min_size) {
  Split s;
  s.n = n;
  if (max_parts <= 1) {  // one range (every single-threaded run): no divisions, which tiny ops would notice
    s.step = n > 0 ? n : 1;
    return s;
  }
  if (min_size < align) min_size = align;
  int64_t step = (n + max_parts - 1) / max_parts;
  if (step < min_size) step = min_size;
  step = (step + align - 1) / align * align;
  s.step = step > 0 ? step : 1;
  s.parts = n <= 0 ? 1 : static_cast<int>((n + s.step - 1) / s.step);
  return s;
}

}  // namespace edgert

#endif  // EDGERT_PLAN_PARALLEL_H_
