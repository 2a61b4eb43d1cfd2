// The persistent thread pool behind ParallelFor (see parallel.h).
#include "plan/parallel.h"

#include <stdlib.h>

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EDGERT_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define EDGERT_CPU_RELAX() __asm__ __volatile__("yield")
#else
#define EDGERT_CPU_RELAX() ((void)0)
#endif

namespace edgert {
namespace {

// How long an idle worker spins before sleeping. Ops of one inference follow each other within microseconds and
// back-to-back inferences within tens of microseconds; a futex wake costs tens of microseconds on a VM.
constexpr auto kSpin = std::chrono::microseconds(300);
// How long the caller spins for the last running tasks before it sleeps until they are done.
constexpr auto kCallerSpin = std::chrono::microseconds(50);

// About 2 microseconds of one core's work: below it the handoff to another core costs more than it saves.
// EDGERT_PARALLEL_MIN_WORK (a non-negative integer) overrides it, e.g. 0 to split every op in tests.
int64_t DefaultMinWork() {
  const char* env = getenv("EDGERT_PARALLEL_MIN_WORK");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long long v = strtoll(env, &end, 10);
    if (*end == '\0' && v >= 0) return v;
  }
  return 64 * 1024;
}
std::atomic<int64_t> g_min_work{DefaultMinWork()};

constexpr uint64_t kMask24 = (1u << 24) - 1;

}  // namespace

int64_t ParallelMinWork() { return g_min_work.load(std::memory_order_relaxed); }

void SetParallelMinWorkForTesting(int64_t work) {
  g_min_work.store(work < 0 ? DefaultMinWork() : work, std::memory_order_relaxed);
}

ThreadPool::ThreadPool(int threads) : threads_(threads < 1 ? 1 : threads > kMaxThreads ? kMaxThreads : threads) {
  scratch_.resize(threads_);
  workers_.reserve(threads_ - 1);
  for (int w = 1; w < threads_; ++w) workers_.emplace_back(&ThreadPool::WorkerLoop, this, w);
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::ReserveScratch(size_t bytes) {
  for (int w = 1; w < threads_; ++w) {
    if (scratch_[w].size() < bytes) scratch_[w].assign(bytes, 0);
  }
}

void ThreadPool::RunTasks(int worker) {
  uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    const uint64_t n = (s >> 24) & kMask24, next = s & kMask24;
    if (next >= n) return;
    // Claim task `next` of this region; on failure s holds the current state (another claim, or a new region).
    if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    fn_(ctx_, worker, static_cast<int>(next));
    const int n_done = done_.fetch_add(1, std::memory_order_seq_cst) + 1;
    if (worker != 0 && n_done == static_cast<int>(n) && caller_sleeping_.load(std::memory_order_seq_cst)) {
      { std::lock_guard<std::mutex> lock(mu_); }
      done_cv_.notify_one();
    }
    s = state_.load(std::memory_order_acquire);
  }
}

void ThreadPool::Run(int n_tasks, TaskFn fn, void* ctx) {
  if (n_tasks <= 0) return;
  // The previous region is complete (every task counted done), so no worker reads fn_ / ctx_ now.
  fn_ = fn;
  ctx_ = ctx;
  done_.store(0, std::memory_order_relaxed);
  const uint64_t epoch = ((state_.load(std::memory_order_relaxed) >> 48) + 1) & 0xFFFF;
  state_.store(Pack(epoch, static_cast<uint64_t>(n_tasks), 0), std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    // A worker counted in sleepers_ either waits on cv_ (lock held until it does) or rechecks the epoch first.
    { std::lock_guard<std::mutex> lock(mu_); }
    cv_.notify_all();
  }
  RunTasks(0);
  // A worker still runs a task. Spin briefly; then sleep, so that a worker preempted on a busy core can be moved
  // to this one (spinning here would keep the core busy while it waits).
  const auto until = std::chrono::steady_clock::now() + kCallerSpin;
  int spins = 0;
  while (done_.load(std::memory_order_acquire) < n_tasks) {
    EDGERT_CPU_RELAX();
    if (++spins % 64 == 0 && std::chrono::steady_clock::now() > until) {
      std::unique_lock<std::mutex> lock(mu_);
      caller_sleeping_.store(true, std::memory_order_seq_cst);
      done_cv_.wait(lock, [&] { return done_.load(std::memory_order_seq_cst) >= n_tasks; });
      caller_sleeping_.store(false, std::memory_order_relaxed);
      break;
    }
  }
}

void ThreadPool::WorkerLoop(int worker) {
  uint64_t seen = 0;  // the epoch before the first region (a worker may start after that region began)
  for (;;) {
    // Spin, then sleep, until a new region starts.
    auto epoch_of = [this] { return state_.load(std::memory_order_seq_cst) >> 48; };
    if (epoch_of() == seen) {
      const auto until = std::chrono::steady_clock::now() + kSpin;
      int spins = 0;
      while (epoch_of() == seen && !stop_.load(std::memory_order_relaxed)) {
        EDGERT_CPU_RELAX();
        if (++spins % 64 == 0 && std::chrono::steady_clock::now() > until) break;
      }
    }
    if (epoch_of() == seen) {
      std::unique_lock<std::mutex> lock(mu_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      cv_.wait(lock, [&] { return stop_.load() || epoch_of() != seen; });
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    }
    if (stop_.load()) return;
    seen = epoch_of();
    RunTasks(worker);
  }
}

}  // namespace edgert
