#include "coordinator/allocator_tuning.hpp"

#include <malloc.h>

namespace fedq::coordinator {

void TuneAllocator() {
  // Buffers up to 64 MiB come from the heap and are reused; free memory at
  // the top of the heap is returned to the OS only beyond 128 MiB.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace fedq::coordinator
