// TuneAllocator: keeps glibc from mapping and unmapping every model-sized
// buffer. The coordinator allocates ~1 MB buffers (frames, blobs, decoded
// updates) per client per round; above the mmap threshold each is a fresh
// mapping, zeroed page by page by the kernel and unmapped on free, which
// costs more CPU than the aggregation. Call once at start, before threads.
#pragma once

namespace fedq::coordinator {

void TuneAllocator();

}  // namespace fedq::coordinator
