#pragma once
// The promise every fuzz target checks, shared by the libFuzzer harnesses
// (sanitizer build, tests/fuzz/CMakeLists.txt) and the corpus replay test of
// the normal build (tests/fuzz/ReplayTest.cpp): whatever the bytes, a reader
// either accepts them or throws an InputError whose message is not empty and
// names the file. Anything else (bad_alloc, out_of_range, json errors, an
// InternalError, an HDF5 handle left open) is a finding.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace scdfm::fuzz {

// One fuzz target: feeds the bytes to the readers the way a user's file reaches them.
using Target = void (*)(const std::uint8_t* data, std::size_t size);

void runH5ad(const std::uint8_t* data, std::size_t size);
void runCheckpoint(const std::uint8_t* data, std::size_t size);
void runTorchImport(const std::uint8_t* data, std::size_t size);
void runPerturbation(const std::uint8_t* data, std::size_t size);

// The bytes written to a temporary file (in /dev/shm when there is one), with
// `suffix`; removed again when the object goes. While it lives, InputErrors
// must name its path.
class InputFile {
 public:
  InputFile(const std::uint8_t* data, std::size_t size, const std::string& suffix);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs one stage of a target: an InputError that keeps the promise is the
// input's accepted rejection and ends the stage; a broken promise throws
// PolicyViolation. Separate stages let one input reach several readers.
void stage(const std::function<void()>& fn);

struct PolicyViolation : std::logic_error {
  using std::logic_error::logic_error;
};

// Runs `target` on one input: "" when the promise held, else what broke it.
std::string violation(Target target, const std::uint8_t* data, std::size_t size);

// Budget for allocations sized by file fields while fuzzing (see core/util/MemoryBudget.h).
constexpr std::uint64_t kFuzzMemoryBudget = std::uint64_t(32) << 20;

}  // namespace scdfm::fuzz
