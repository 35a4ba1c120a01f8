#pragma once
// Thread count used by the core's parallel code (LibTorch intra-op, embedding).
// Defaults to the number of cores; SCDFM_THREADS or setThreadCount() override.
namespace scdfm {
int hardwareThreads();
int threadCount();
void setThreadCount(int n);  // n <= 0 means "all cores"
// LibTorch's OpenMP intra-op pool gets threadCount() threads, OpenBLAS's own
// pool one (measurements in the README, "GPU use").
// SCDFM_TORCH_THREADS / SCDFM_BLAS_THREADS override each.
int torchIntraOpThreads();
int blasThreads();
// Sets the thread count of an OpenBLAS loaded in the process (LibTorch calls
// it through the generic BLAS interface). OpenBLAS otherwise spins up one
// thread per core on its own, whatever LibTorch's setting, and two programs
// doing so on the same cores slow each other down many times over.
// Returns false when no OpenBLAS is loaded.
bool applyBlasThreads(int n);
}  // namespace scdfm
