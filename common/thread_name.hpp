// Names the calling thread as `top -H`, perf and gdb show it (Linux keeps
// the first 15 characters). Threads made later by this one inherit it.
#pragma once

#include <pthread.h>

#include <string>

namespace fedq {

inline void NameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace fedq
