// FEDQ_ISA_CLONES: portable builds still get AVX2/AVX-512 loops for the hot
// codec kernels: GCC clones a function so marked per instruction set and
// picks one at load time. -march=native builds (and clang) need no clones.
// Not under ThreadSanitizer: the clone resolvers run while the program is
// being relocated, before the TSan runtime exists, and crash there.
// A macro only; no state.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX2__) && \
    !defined(__SANITIZE_THREAD__)
#define FEDQ_ISA_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FEDQ_ISA_CLONES
#endif
