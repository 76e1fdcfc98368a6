// StoreWorker: owns the Store and the one thread that touches it. Callers on
// any thread (the round engine, HTTP handlers) post jobs; jobs run one at a
// time in posting order, so the database is never used from a network
// thread. Results come back through a std::future (Submit) or a callback the
// job itself invokes (Post). Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

#include "coordinator/store.hpp"

namespace fedq::coordinator {

class StoreWorker {
 public:
  using Job = std::function<void(Store&)>;

  explicit StoreWorker(Store store);
  ~StoreWorker();  // Stop()
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Queues `job`; false (job dropped) once Stop() has begun.
  bool Post(Job job);

  // Runs job(store) on the worker and delivers its result. R is Status or a
  // Result<T>; after Stop() the future holds Unavailable.
  template <typename F, typename R = std::invoke_result_t<F, Store&>>
  std::future<R> Submit(F job) {
    static_assert(std::is_constructible_v<R, Status>, "job must return Status or Result<T>");
    auto promise = std::make_shared<std::promise<R>>();
    std::future<R> future = promise->get_future();
    bool queued = Post(
        [promise, job = std::move(job)](Store& store) mutable { promise->set_value(job(store)); });
    if (!queued) promise->set_value(R(Unavailable("store worker stopped")));
    return future;
  }

  // Runs the jobs already queued, then ends the thread. Idempotent; call it
  // from the owner's thread, not from a job.
  void Stop();

 private:
  void Loop();

  Store store_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace fedq::coordinator
