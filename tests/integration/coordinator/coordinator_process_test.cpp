// fedq-coordinator as a real child process: killed with SIGKILL mid-round
// and restarted, it resumes from the last committed round; SIGTERM stops it
// cleanly with exit code 0. Clients are the in-test ones over loopback mTLS.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "coordinator/coordinator_service.hpp"
#include "coordinator/store.hpp"
#include "test_clients.hpp"
#include "unit/coordinator/temp_dir.hpp"

namespace fedq::coordinator {
namespace {

using testing::Act;
using testing::Honest;
using testing::Reply;
using testing::TestClients;
using testing::TestPki;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One fedq-coordinator process, its stderr in a file.
class Child {
 public:
  Child(const std::string& config_path, std::string log_path) : log_(std::move(log_path)) {
    const std::string binary = std::string(FEDQ_BINARY_DIR) + "/bin/fedq-coordinator";
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, STDERR_FILENO);
      execl(binary.c_str(), binary.c_str(), "--config", config_path.c_str(), nullptr);
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }

  // The listener's port, read from the log once it is up (0 on failure).
  uint16_t Port() {
    const std::optional<std::string> port =
        WaitForLog(std::regex("listening for clients on [0-9.]+:([0-9]+)"));
    return port ? static_cast<uint16_t>(std::stoi(*port)) : 0;
  }
  // Waits (30 s at most, while the child runs) for a log line matching
  // `line`; returns its last capture group, or the whole match.
  std::optional<std::string> WaitForLog(const std::regex& line) {
    for (int i = 0; i < 3000; ++i) {
      std::smatch m;
      const std::string text = ReadFile(log_);
      if (std::regex_search(text, m, line)) return m[m.size() - 1].str();
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        exited_ = true;
        return std::nullopt;
      }
      usleep(10000);  // polling for the log line, not timing anything
    }
    return std::nullopt;
  }
  void Signal(int sig) { kill(pid_, sig); }
  int Wait() {
    if (!exited_) waitpid(pid_, &status_, 0);
    exited_ = true;
    return status_;
  }
  std::string Log() const { return ReadFile(log_); }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

class CoordinatorProcess : public ::testing::Test {
 protected:
  CoordinatorProcess() : pki_(dir_.File("pki")) {}

  CoordinatorConfig Config(const std::string& db, int rounds) {
    CoordinatorConfig c = pki_.RunConfig(dir_.File(db), 3, rounds);
    c.strategy.name = "fedavgm";  // server momentum: state that must survive the kill
    c.round_deadline_ms = 30000;
    c.log_level = "info";
    return c;
  }

  std::string WriteConfig(const CoordinatorConfig& c, const std::string& name) {
    const std::string path = dir_.File(name);
    std::ofstream(path) << ConfigToJson(c).dump(2);
    return path;
  }

  static std::vector<uint8_t> ModelBytes(const std::string& db, int64_t round) {
    Store store = Store::Open(db).value();
    return store.LoadModel(1, round).value();
  }

  TempDir dir_;
  TestPki pki_;
};

testing::Script HoldRound(int64_t held) {
  return [held](int c, const protocol::Task& t, int) {
    Reply r = Honest(c, t);
    if (static_cast<int64_t>(t.round) == held) r.act = Act::kSilent;
    return r;
  };
}

// Three clients that answer round 1 and stay silent in round 2; true once
// each holds its round-2 task (the round is then in flight).
bool StartClientsHoldingRoundTwo(TestClients& clients, uint16_t port) {
  for (int i = 0; i < 3; ++i) clients.Start(i, port, HoldRound(2));
  return clients.WaitFor([&] {
    for (auto& [i, log] : clients.logs)
      if (log.tasks < 2) return false;
    return clients.logs.size() == 3;
  });
}

TEST_F(CoordinatorProcess, ResumesAfterSigkillMidRoundWithCommittedRoundsIntact) {
  // Reference: the same run, never interrupted, in-process.
  const CoordinatorConfig reference = Config("reference.db", 4);
  {
    CoordinatorService service(reference);
    ASSERT_TRUE(service.Start().ok());
    TestClients clients(pki_);
    for (int i = 0; i < 3; ++i) clients.Start(i, service.port(), HoldRound(-1));
    ASSERT_TRUE(service.Wait().ok());
  }

  const CoordinatorConfig config = Config("run.db", 4);
  const std::string config_path = WriteConfig(config, "coordinator.json");
  {
    Child first(config_path, dir_.File("first.log"));
    const uint16_t port = first.Port();
    ASSERT_NE(port, 0) << first.Log();
    TestClients clients(pki_);
    for (int i = 0; i < 3; ++i) clients.Start(i, port, HoldRound(3));
    // Killed in round 3 (the clients hold their answers) once round 2 is
    // committed: round 3's tasks may go out while round 2 is being written.
    ASSERT_TRUE(clients.WaitFor([&] {
      for (auto& [i, log] : clients.logs)
        if (log.tasks < 3) return false;
      return clients.logs.size() == 3;
    })) << first.Log();
    ASSERT_TRUE(first.WaitForLog(std::regex("round 2 committed"))) << first.Log();
    first.Signal(SIGKILL);
    const int status = first.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  }
  {
    Store store = Store::Open(config.db_path).value();
    EXPECT_EQ(store.IntegrityCheck().value(), "ok");
    EXPECT_EQ(store.LastCommittedRound(1).value(), 2);
  }
  EXPECT_EQ(ModelBytes(config.db_path, 2), ModelBytes(reference.db_path, 2));

  Child second(config_path, dir_.File("second.log"));
  const uint16_t port = second.Port();
  ASSERT_NE(port, 0) << second.Log();
  TestClients clients(pki_);
  for (int i = 0; i < 3; ++i) clients.Start(i, port, HoldRound(-1));
  const int status = second.Wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << second.Log();
  EXPECT_NE(second.Log().find("resuming run 1 at round 3"), std::string::npos);

  Store store = Store::Open(config.db_path).value();
  EXPECT_EQ(store.IntegrityCheck().value(), "ok");
  EXPECT_EQ(store.LastCommittedRound(1).value(), 4);
  // Same model and optimizer state as if nothing had happened, bit for bit.
  EXPECT_EQ(ModelBytes(config.db_path, 4), ModelBytes(reference.db_path, 4));
}

TEST_F(CoordinatorProcess, SigtermSaysByeAbandonsTheRoundAndExitsZero) {
  const CoordinatorConfig config = Config("run.db", 3);
  Child child(WriteConfig(config, "coordinator.json"), dir_.File("child.log"));
  const uint16_t port = child.Port();
  ASSERT_NE(port, 0) << child.Log();
  TestClients clients(pki_);
  ASSERT_TRUE(StartClientsHoldingRoundTwo(clients, port)) << child.Log();
  child.Signal(SIGTERM);
  const int status = child.Wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << child.Log();
  ASSERT_TRUE(clients.WaitFor([&] {
    for (auto& [i, log] : clients.logs)
      if (!log.ended) return false;
    return true;
  }));
  {
    std::lock_guard lock(clients.mu);
    for (auto& [i, log] : clients.logs) EXPECT_TRUE(log.bye) << i;
  }
  Store store = Store::Open(config.db_path).value();
  EXPECT_EQ(store.IntegrityCheck().value(), "ok");
  EXPECT_EQ(store.LastCommittedRound(1).value(), 1);  // round 2 abandoned, not half-stored
  EXPECT_EQ(store.ListRounds(1).value().size(), 1u);
}

// The operator revokes a device while the run goes on: SIGHUP makes the
// coordinator read the list again and drop that client; the others carry on,
// and a list that does not parse is refused without stopping anything.
TEST_F(CoordinatorProcess, SighupReloadsTheRevocationListAndDropsTheRevokedClient) {
  CoordinatorConfig config = Config("run.db", 3);
  config.revocation_list = pki_.pki.revocation_file().string();
  std::ofstream(config.revocation_list).flush();  // empty: nobody revoked yet
  Child child(WriteConfig(config, "coordinator.json"), dir_.File("child.log"));
  const uint16_t port = child.Port();
  ASSERT_NE(port, 0) << child.Log();
  TestClients clients(pki_);
  ASSERT_TRUE(StartClientsHoldingRoundTwo(clients, port)) << child.Log();

  ASSERT_TRUE(pki_.pki.RevokeClient("client-0").ok());
  child.Signal(SIGHUP);
  ASSERT_TRUE(child.WaitForLog(
      std::regex("revocation list reloaded: 1 certificates revoked, 1 connected clients dropped")))
      << child.Log();
  ASSERT_TRUE(clients.WaitFor([&] { return clients.logs[0].ended; }));
  {
    std::lock_guard lock(clients.mu);
    EXPECT_FALSE(clients.logs[0].bye) << "dropped, not told Bye";
    EXPECT_FALSE(clients.logs[1].ended);
    EXPECT_FALSE(clients.logs[2].ended);
  }

  {
    std::ofstream out(pki_.pki.revocation_file(), std::ios::app);
    out << "not a fingerprint\n";
  }
  child.Signal(SIGHUP);
  ASSERT_TRUE(child.WaitForLog(std::regex("not reloaded, the old one stays"))) << child.Log();
  child.Signal(SIGTERM);
  const int status = child.Wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << child.Log();
  Store store = Store::Open(config.db_path).value();
  EXPECT_EQ(store.IntegrityCheck().value(), "ok");
}

}  // namespace
}  // namespace fedq::coordinator
