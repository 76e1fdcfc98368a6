#include "common/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <utility>

namespace fedq {
namespace {
constexpr int kBarWidth = 30;
}  // namespace

ProgressBar::ProgressBar(std::string label, std::size_t total, std::FILE* out)
    : ProgressBar(std::move(label), total, out, out != nullptr && isatty(fileno(out)) == 1) {}

ProgressBar::ProgressBar(std::string label, std::size_t total, std::FILE* out, bool enabled)
    : label_(std::move(label)), total_(total), out_(out), enabled_(enabled && out != nullptr) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(std::size_t done, std::string_view suffix) {
  if (!enabled_ || finished_) return;
  done = std::min(done, total_);
  last_done_ = done;
  const long permille = total_ == 0 ? 1000 : static_cast<long>(done * 1000 / total_);
  if (permille == last_permille_ && suffix == last_suffix_) return;
  last_permille_ = permille;
  last_suffix_.assign(suffix);
  Draw(done, suffix);
}

void ProgressBar::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  Draw(last_done_, last_suffix_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void ProgressBar::Draw(std::size_t done, std::string_view suffix) {
  const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / total_;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kBarWidth - filled), '.');
  // "\033[K" clears what a longer previous line left behind.
  std::fprintf(out_, "\r%s [%s] %5.1f%% %zu/%zu %.*s\033[K", label_.c_str(), bar.c_str(),
               100.0 * fraction, done, total_, static_cast<int>(suffix.size()), suffix.data());
  std::fflush(out_);
}

}  // namespace fedq
