#pragma once
// Process-wide settings for running many small loss evaluations fast and
// deterministically. Call once at the start of main (or a test module).
//
// 1. One BLAS thread. Every product in a check is a small matrix-vector one;
//    a fixed thread count also keeps BLAS reductions bit-reproducible. OpenBLAS
//    is reached through Debian's libblas.so.3 alternative, so it is looked up
//    at run time; a no-op for any other BLAS.
// 2. No mmap for gradient-sized blocks. Each evaluation allocates V×d
//    matrices; above glibc's mmap threshold each is mapped and unmapped, and
//    the page faults dominated the run (12.1 s → 4.7 s for 60 shapes, sys time
//    6.4 s → 0.1 s). A no-op on other C libraries.
//
//   int main() { w2v::configure_process_for_checks(); … }
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace w2v {

inline void configure_process_for_checks() {
  using SetThreads = void (*)(int);
  if (void* sym = dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))
    reinterpret_cast<SetThreads>(sym)(1);
#if defined(__GLIBC__)
  constexpr int kBytes = 1 << 30;
  mallopt(M_MMAP_THRESHOLD, kBytes);
  mallopt(M_TRIM_THRESHOLD, kBytes);
#endif
}

}  // namespace w2v
