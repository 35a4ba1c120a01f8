#include "core/util/InstallPaths.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "core/util/Strings.h"

namespace fs = std::filesystem;

namespace scdfm::install {
namespace {

std::string envOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool isFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// <build> when the program sits in <build>/bin of a CMake build tree.
std::optional<fs::path> buildTreeOf(const fs::path& exe) {
  if (exe.empty()) return std::nullopt;
  const fs::path root = exe.parent_path().parent_path();
  if (isFile(root / "CMakeCache.txt")) return root;
  return std::nullopt;
}

// The source folder a build tree was configured from (CMake records it in its cache).
std::optional<fs::path> sourceDirOf(const fs::path& buildTree) {
  std::ifstream in(buildTree / "CMakeCache.txt");
  const std::string key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return fs::path(trim(line.substr(key.size())));
  return std::nullopt;
}

// <prefix>/share/scdfm-studio for a program installed as <prefix>/bin/<name>.
fs::path installedShareDir(const fs::path& exe) {
  return exe.parent_path().parent_path() / "share" / "scdfm-studio";
}

}  // namespace

fs::path executablePath() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

SearchContext SearchContext::current() {
  return SearchContext{executablePath(), envOrEmpty("SCDFM_DATA_DIR"), envOrEmpty("SCDFM_MODELS_DIR")};
}

std::vector<fs::path> dataDirCandidates(const SearchContext& ctx) {
  if (!ctx.dataDirOverride.empty()) return {fs::path(ctx.dataDirOverride)};
  if (ctx.executable.empty()) return {};
  if (auto build = buildTreeOf(ctx.executable)) return {*build / "data"};
  return {installedShareDir(ctx.executable) / "data"};
}

std::vector<fs::path> modelsDirCandidates(const SearchContext& ctx) {
  if (!ctx.modelsDirOverride.empty()) return {fs::path(ctx.modelsDirOverride)};
  if (ctx.executable.empty()) return {};
  if (auto build = buildTreeOf(ctx.executable)) {
    // Models are committed in the source tree (models/), not generated.
    if (auto src = sourceDirOf(*build)) return {*src / "models"};
    return {};
  }
  return {installedShareDir(ctx.executable) / "models"};
}

std::optional<fs::path> findDemoDataset(const SearchContext& ctx) {
  for (const auto& dir : dataDirCandidates(ctx))
    if (isFile(dir / kDemoDatasetFile)) return dir / kDemoDatasetFile;
  return std::nullopt;
}

std::optional<fs::path> findDemoCheckpoint(const SearchContext& ctx) {
  for (const auto& dir : modelsDirCandidates(ctx)) {
    const fs::path modelDir = dir / kDemoModelDir;
    if (isFile(modelDir / kPreferredCheckpointFile)) return modelDir / kPreferredCheckpointFile;
    std::error_code ec;
    std::vector<fs::path> found;
    for (fs::directory_iterator it(modelDir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".safetensors" && isFile(it->path())) found.push_back(it->path());
    if (!found.empty()) return *std::min_element(found.begin(), found.end());
  }
  return std::nullopt;
}

std::string describeSearch(const std::vector<fs::path>& candidates) {
  if (candidates.empty()) return "no folder to look in (the program's own location is unknown)";
  std::vector<std::string> names;
  for (const auto& c : candidates) names.push_back(c.string());
  return "looked in " + listForMessage(names);
}

}  // namespace scdfm::install
