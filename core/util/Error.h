#pragma once
// Errors with context. Core code throws; the CLI maps them to exit codes and
// the GUI shows them in a dialog. Every message a user can see names the
// file / field / gene concerned and says what to do about it.
#include <stdexcept>
#include <string>

namespace scdfm {

// Something is wrong with what the user gave us (file, column, name, option).
// CLI exit code 2.
class InputError : public std::runtime_error {
 public:
  // file: the file concerned (may be empty); where: a location inside it
  // (HDF5 path, JSON key, column, line); problem: what is wrong;
  // hint: what the user can do about it (may be empty).
  InputError(std::string file, std::string where, std::string problem, std::string hint = {});
  explicit InputError(const std::string& message);

  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const std::string& problem() const { return problem_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string file_, where_, problem_, hint_;
};

// A bug or an environment failure (out of memory, I/O error). CLI exit code 1.
class InternalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by CancelToken::throwIfCancelled(); not an error for the user.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled by the user") {}
};

}  // namespace scdfm
