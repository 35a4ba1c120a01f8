#pragma once
// Thread count used by the core's parallel code (LibTorch intra-op, embedding).
// Defaults to the number of cores; SCDFM_THREADS or setThreadCount() override.
namespace scdfm {
int hardwareThreads();
int threadCount();
void setThreadCount(int n);  // n <= 0 means "all cores"
}  // namespace scdfm
