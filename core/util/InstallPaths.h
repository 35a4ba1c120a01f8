#pragma once
// Where the shipped demo dataset and demo model are, for the program that is
// running: found from the executable's own location, so one binary works from
// the build tree and when installed (/usr or an unpacked package root).
//   build tree  <build>/bin/scdfm-studio  → <build>/data/demo.h5ad,
//               <source>/models/scdfm-demo/ (<source> read from <build>/CMakeCache.txt)
//   installed   <prefix>/bin/scdfm-studio → <prefix>/share/scdfm-studio/data/demo.h5ad,
//               <prefix>/share/scdfm-studio/models/scdfm-demo/
// $SCDFM_DATA_DIR / $SCDFM_MODELS_DIR, when set, replace these locations
// (only the override is searched, so a wrong override is noticed, not masked).
// No Qt, no torch: the GUI, the CLI and tests share it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace scdfm::install {

inline constexpr const char* kDemoDatasetFile = "demo.h5ad";
inline constexpr const char* kDemoModelDir = "scdfm-demo";
// The file the trainer writes; preferred when a model folder holds several.
inline constexpr const char* kPreferredCheckpointFile = "checkpoint.safetensors";

// What the search depends on; tests build their own, programs use current().
struct SearchContext {
  std::filesystem::path executable;  // absolute path of the running program ("" = unknown)
  std::string dataDirOverride;       // $SCDFM_DATA_DIR ("" = not set)
  std::string modelsDirOverride;     // $SCDFM_MODELS_DIR ("" = not set)

  // From /proc/self/exe and the environment.
  static SearchContext current();
};

// The running program's path (/proc/self/exe resolved); empty if unavailable.
std::filesystem::path executablePath();

// Folders that may hold the datasets / the models, most specific first.
std::vector<std::filesystem::path> dataDirCandidates(const SearchContext& ctx);
std::vector<std::filesystem::path> modelsDirCandidates(const SearchContext& ctx);

// The demo dataset (demo.h5ad), if one of the data folders has it.
std::optional<std::filesystem::path> findDemoDataset(const SearchContext& ctx = SearchContext::current());

// The demo model's checkpoint: <models>/scdfm-demo/checkpoint.safetensors, or
// else the first *.safetensors in that folder by name.
std::optional<std::filesystem::path> findDemoCheckpoint(const SearchContext& ctx = SearchContext::current());

// "Looked in: A, B" for messages when a find*() came back empty.
std::string describeSearch(const std::vector<std::filesystem::path>& candidates);

}  // namespace scdfm::install
