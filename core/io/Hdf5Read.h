#pragma once
// Low-level HDF5 reading helpers shared by the .h5ad readers: opening objects,
// attributes, and typed reads of whole or partial datasets (numbers, strings,
// compound-table fields) with every failure turned into an InputError that
// names the file and the HDF5 path. Internal to core/io.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/io/Hdf5Handle.h"

namespace scdfm::h5 {

// Call at every entry point that uses HDF5: turns off HDF5's automatic error
// printing for this thread (the setting is per thread in thread-safe builds)
// and, once per process, makes sure the LZF filter plugin folder is searched.
void prepareLibrary();

// The messages on the current thread's HDF5 error stack, innermost last.
std::string errorStackText();

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& problem,
                       const std::string& hint = {});

// Where an object lives, for messages.
struct Ref {
  const std::string& file;
  std::string path;  // absolute HDF5 path
  Ref child(const std::string& name) const { return {file, path == "/" ? "/" + name : path + "/" + name}; }
};

bool exists(hid_t loc, const std::string& relPath);
bool isGroup(hid_t loc, const std::string& relPath);
bool isDataset(hid_t loc, const std::string& relPath);
std::vector<std::string> childNames(const Ref& at, hid_t group);

Handle openGroup(const Ref& at, hid_t loc, const std::string& relPath);
// largeCache: a bigger chunk cache for datasets read in many small pieces.
Handle openDataset(const Ref& at, hid_t loc, const std::string& relPath, bool largeCache = false);

bool hasAttr(hid_t obj, const char* name);
std::optional<std::string> stringAttr(const Ref& at, hid_t obj, const char* name);
std::vector<std::string> stringArrayAttr(const Ref& at, hid_t obj, const char* name);
std::vector<std::int64_t> intArrayAttr(const Ref& at, hid_t obj, const char* name);
std::optional<bool> boolAttr(const Ref& at, hid_t obj, const char* name);
// encoding-type attribute, "" when absent.
std::string encodingType(const Ref& at, hid_t obj);

std::vector<hsize_t> shapeOf(const Ref& at, hid_t ds);
std::int64_t lengthOf(const Ref& at, hid_t ds);  // first dimension (1 for scalars)
// Dataset type (or the type of compound member `field`), owned.
Handle datasetType(const Ref& at, hid_t ds, const std::string& field = {});
std::vector<std::string> compoundFields(const Ref& at, hid_t ds);
// "float32", "int64", "bool", "string", "compound", ...
std::string dtypeName(hid_t type);
// Throws InputError when a filter the dataset needs is not available.
void checkFilters(const Ref& at, hid_t ds);

// Kinds of element that the readers below distinguish.
enum class ElemKind { Integer, Unsigned, Float, Bool, String, Compound, Array, Other };
ElemKind elemKind(hid_t type);

// Whole 1-D (or N-D, flattened) reads with conversion. `field` selects one
// member of a compound dataset (old packed tables).
std::vector<double> readDoubles(const Ref& at, hid_t ds, const std::string& field = {});
std::vector<float> readFloats(const Ref& at, hid_t ds, const std::string& field = {});
std::vector<std::int64_t> readInt64(const Ref& at, hid_t ds, const std::string& field = {});
std::vector<std::uint8_t> readBools(const Ref& at, hid_t ds, const std::string& field = {});
// Strings (variable or fixed length, UTF-8 checked). Numbers are formatted.
std::vector<std::string> readStrings(const Ref& at, hid_t ds, const std::string& field = {});

// Elements [start, start+count) of a 1-D dataset, converted to memType, into out.
void readRange(const Ref& at, hid_t ds, hid_t memType, hsize_t start, hsize_t count, void* out);
// Rows [row, row+count) of a 2-D dataset (all columns), converted, into out.
void readRows(const Ref& at, hid_t ds, hid_t memType, hsize_t row, hsize_t count, hsize_t cols, void* out);
// The whole dataset converted to memType.
void readAllInto(const Ref& at, hid_t ds, hid_t memType, void* out);

std::string formatNumber(double v);

}  // namespace scdfm::h5
