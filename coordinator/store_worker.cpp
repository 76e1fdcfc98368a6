#include "coordinator/store_worker.hpp"

#include "common/thread_name.hpp"

namespace fedq::coordinator {

StoreWorker::StoreWorker(Store store)
    : store_(std::move(store)), thread_([this] {
        NameThisThread("fedq-store");
        Loop();
      }) {}

StoreWorker::~StoreWorker() { Stop(); }

bool StoreWorker::Post(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void StoreWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreWorker::Loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and everything queued has run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(store_);
  }
}

}  // namespace fedq::coordinator
