#include "coordinator/store_worker.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "temp_dir.hpp"

namespace fedq::coordinator {
namespace {

TEST(StoreWorkerTest, RunsJobsOnItsOwnThreadInOrder) {
  TempDir dir;
  StoreWorker worker(std::move(Store::Open(dir.File("a.db"))).value());
  const auto caller = std::this_thread::get_id();
  std::vector<std::future<Result<std::int64_t>>> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(worker.Submit([caller, i](Store& s) -> Result<std::int64_t> {
      if (std::this_thread::get_id() == caller) return Internal("ran on the caller's thread");
      return s.UpsertClient("fp-" + std::to_string(i), "c", i);
    }));
  }
  for (int i = 0; i < 5; ++i) {
    auto id = ids[i].get();
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(*id, i + 1);  // posting order is execution order
  }
}

TEST(StoreWorkerTest, AcceptsJobsFromManyThreads) {
  TempDir dir;
  StoreWorker worker(std::move(Store::Open(dir.File("a.db"))).value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&worker, t] {
      for (int i = 0; i < 10; ++i) {
        auto r = worker.Submit([t, i](Store& s) {
          return s.UpsertClient("fp-" + std::to_string(t) + "-" + std::to_string(i), "c", 0);
        });
        EXPECT_TRUE(r.get().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto clients = worker.Submit([](Store& s) { return s.ListClients(); }).get();
  ASSERT_TRUE(clients.ok());
  EXPECT_EQ(clients->size(), 40u);
}

TEST(StoreWorkerTest, StopRunsQueuedJobsThenRefusesNewOnes) {
  TempDir dir;
  StoreWorker worker(std::move(Store::Open(dir.File("a.db"))).value());
  auto queued = worker.Submit([](Store& s) { return s.UpsertClient("fp", "c", 0); });
  worker.Stop();
  EXPECT_TRUE(queued.get().ok());
  auto late = worker.Submit([](Store& s) { return s.ListClients(); }).get();
  EXPECT_EQ(late.status().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(worker.Post([](Store&) {}));
  worker.Stop();  // idempotent
}

}  // namespace
}  // namespace fedq::coordinator
