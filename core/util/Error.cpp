#include "core/util/Error.h"

namespace scdfm {
namespace {
std::string compose(const std::string& file, const std::string& where, const std::string& problem,
                    const std::string& hint) {
  std::string msg;
  if (!file.empty()) msg += file;
  if (!where.empty()) msg += (msg.empty() ? "" : ": ") + where;
  msg += (msg.empty() ? "" : ": ") + problem;
  if (!hint.empty()) msg += ". " + hint;
  return msg;
}
}  // namespace

InputError::InputError(std::string file, std::string where, std::string problem, std::string hint)
    : std::runtime_error(compose(file, where, problem, hint)),
      file_(std::move(file)),
      where_(std::move(where)),
      problem_(std::move(problem)),
      hint_(std::move(hint)) {}

InputError::InputError(const std::string& message) : std::runtime_error(message), problem_(message) {}

}  // namespace scdfm
