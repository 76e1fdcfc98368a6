// Runs one of fedq's built programs (FEDQ_BINARY_DIR/bin/NAME) as a user
// would, for the command-line tests: exit code and merged stdout + stderr.
// Blocking; safe to call from any test thread.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace fedq::testing {

struct ProgramRun {
  int exit_code = -1;  // -1: could not start, or killed by a signal
  std::string output;  // stdout then stderr, as they interleaved
};

inline ProgramRun RunProgram(const std::string& program, const std::string& args) {
  const std::string cmd = std::string(FEDQ_BINARY_DIR) + "/bin/" + program + " " + args + " 2>&1";
  ProgramRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  while (std::fgets(buf, sizeof(buf), pipe) != nullptr) run.output += buf;
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace fedq::testing
