#include "FuzzSupport.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <typeinfo>

#include "core/util/Error.h"

namespace scdfm::fuzz {
namespace {

thread_local std::string t_currentFile;

std::string tempDir() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return std::filesystem::temp_directory_path(ec).string();
}

}  // namespace

InputFile::InputFile(const std::uint8_t* data, std::size_t size, const std::string& suffix) {
  static const std::string dir = tempDir();
  path_ = dir + "/scdfm-fuzz-" + std::to_string(::getpid()) + suffix;
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) throw std::runtime_error("fuzz: cannot write " + path_);
  t_currentFile = path_;
}

InputFile::~InputFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  t_currentFile.clear();
}

void stage(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    if (e.problem().empty() || msg.empty())
      throw PolicyViolation("InputError with an empty problem: '" + msg + "'");
    if (!t_currentFile.empty() && msg.find(t_currentFile) == std::string::npos)
      throw PolicyViolation("InputError that does not name the file: '" + msg + "'");
  }
}

std::string violation(Target target, const std::uint8_t* data, std::size_t size) {
  try {
    target(data, size);
    return {};
  } catch (const PolicyViolation& e) {
    return e.what();
  } catch (const InputError& e) {
    return std::string("InputError outside a stage: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("unexpected ") + typeid(e).name() + ": " + e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace scdfm::fuzz
