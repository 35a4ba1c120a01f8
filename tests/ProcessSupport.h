#pragma once
// Helpers for the fault tests: a process to kill at a random moment, and the
// large generated dataset. Kept out of TestSupport.h, which every test includes.
#include <string>

namespace scdfm::test {

// A 100,000-cell x 2,000-gene CSR .h5ad (~8% stored; obs condition with
// ctrl, GENE<i>+ctrl and pairs; cell_type), written in chunks by
// bench/make_large_h5ad.py — the generator of bench/run's million-cell file —
// into the test-work dir and kept between runs. "" when h5py is missing.
std::string largeDataset();

// A command started in the background (sh -c "exec ..."; output to `log`),
// for tests that kill a process at a random moment.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::string& command, const std::string& log);
  ~BackgroundProcess();  // kills and reaps it if still running
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  bool running();                 // false once it has exited (reaped)
  void kill(int signal);          // sends the signal (no-op after exit)
  // Waits for the exit: the exit code, or -signal when killed by a signal.
  int wait();

 private:
  int pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

}  // namespace scdfm::test
