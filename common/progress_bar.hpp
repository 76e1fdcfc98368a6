// A one-line progress bar redrawn in place ("\r"), written only when its
// stream is a terminal, so piped or --json output stays clean. It owns no
// stream (the caller's FILE* must outlive it); not thread-safe: update it
// from one thread.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace fedq {

class ProgressBar {
 public:
  // Enabled iff `out` is a terminal (isatty).
  ProgressBar(std::string label, std::size_t total, std::FILE* out = stdout);
  // For tests and callers that decide themselves.
  ProgressBar(std::string label, std::size_t total, std::FILE* out, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // Redraws only when the shown permille or the suffix changes, so callers
  // may call it after every batch.
  void Update(std::size_t done, std::string_view suffix = {});
  // Draws the final state and ends the line (idempotent; the destructor calls it).
  void Finish();

 private:
  void Draw(std::size_t done, std::string_view suffix);

  std::string label_;
  std::size_t total_;
  std::FILE* out_;
  bool enabled_;
  bool finished_ = false;
  std::size_t last_done_ = 0;
  long last_permille_ = -1;
  std::string last_suffix_;
};

}  // namespace fedq
