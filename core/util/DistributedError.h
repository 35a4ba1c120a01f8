#pragma once
// A multi-process job failed as a group: a rank was lost or did not join, or a
// collective timed out. The message names the rank and says how to continue
// (for training: start every rank again with --resume). CLI exit code 4.
#include <stdexcept>

namespace scdfm {

class DistributedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scdfm
