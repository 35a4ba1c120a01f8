#include "core/io/Hdf5Read.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <dlfcn.h>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/io/Hdf5HeapCheck.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"
#include "core/util/Utf8.h"

namespace scdfm::h5 {
namespace {

constexpr const char* kDamagedHint = "The file may be truncated or damaged; re-export it from Python (adata.write_h5ad)";

// Folders where distributions put the LZF plugin (h5py's filter 32000).
constexpr std::array kPluginDirs = {
    "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins", "/usr/lib/aarch64-linux-gnu/hdf5/serial/plugins",
    "/usr/lib/hdf5/plugins", "/usr/local/hdf5/lib/plugin"};

herr_t collectError(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::vector<std::string>*>(data);
  if (err->desc && *err->desc) out->push_back(err->desc);
  return 0;
}

hsize_t npoints(const Ref& at, hid_t ds) {
  Handle space = spaceHandle(H5Dget_space(ds));
  if (!space.valid()) fail(at.file, at.path, "cannot read the dataspace: " + errorStackText(), kDamagedHint);
  hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) fail(at.file, at.path, "cannot read the dataspace size", kDamagedHint);
  return static_cast<hsize_t>(n);
}

// Memory type for reading `fileType` as `base`: `base` itself, or an array of
// `base` with the same dimensions when the file element is an array (0.6 obsm).
Handle memTypeLike(hid_t fileType, hid_t base, hsize_t* perElem) {
  *perElem = 1;
  if (H5Tget_class(fileType) == H5T_ARRAY) {
    int rank = H5Tget_array_ndims(fileType);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Tget_array_dims2(fileType, dims.data());
    for (auto d : dims) *perElem *= d;
    return typeHandle(H5Tarray_create2(base, static_cast<unsigned>(rank), dims.data()));
  }
  return typeHandle(H5Tcopy(base));
}

// Wraps `inner` as the only member `field` of a compound, to read one column
// of a packed table (HDF5 matches compound members by name).
Handle wrapField(const std::string& field, hid_t inner) {
  if (field.empty()) return typeHandle(H5Tcopy(inner));
  Handle t = typeHandle(H5Tcreate(H5T_COMPOUND, H5Tget_size(inner)));
  H5Tinsert(t, field.c_str(), 0, inner);
  return t;
}

void readWhole(const Ref& at, hid_t ds, hid_t memType, void* out, const std::string& field) {
  if (H5Dread(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
    fail(at.file, at.path + (field.empty() ? "" : " (field '" + field + "')"),
         "reading the dataset failed: " + errorStackText(), kDamagedHint);
}

template <typename T>
std::vector<T> readNumeric(const Ref& at, hid_t ds, const std::string& field, hid_t nativeBase) {
  Handle ft = datasetType(at, ds, field);
  ElemKind k = elemKind(ft);
  hid_t inner = ft;
  Handle arrBase;
  if (k == ElemKind::Array) {
    arrBase = typeHandle(H5Tget_super(ft));
    k = elemKind(arrBase);
  }
  if (k == ElemKind::Bool) {
    auto b = readBools(at, ds, field);
    return std::vector<T>(b.begin(), b.end());
  }
  if (k != ElemKind::Integer && k != ElemKind::Unsigned && k != ElemKind::Float)
    fail(at.file, at.path + (field.empty() ? "" : " (field '" + field + "')"),
         "expected numbers but found " + dtypeName(inner), "Store this entry as a numeric array");
  hsize_t per = 1;
  Handle mt = memTypeLike(inner, nativeBase, &per);
  Handle wrapped = wrapField(field, mt);
  const hsize_t n = npoints(at, ds);
  // per < 2^32: HDF5 stores a datatype's size in 4 bytes.
  checkAllocation(at.file, at.path, n, per * sizeof(T), "reading this dataset");
  std::vector<T> out(n * per);
  if (!out.empty()) readWhole(at, ds, wrapped, out.data(), field);
  return out;
}

}  // namespace

void prepareLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    unsigned n = 0;
    H5PLsize(&n);
    std::vector<std::string> known;
    for (unsigned i = 0; i < n; ++i) {
      char buf[4096] = {0};
      if (H5PLget(i, buf, sizeof buf) > 0) known.emplace_back(buf);
    }
    // Debian's liblzf_filter.so uses liblzf without linking it (no NEEDED
    // entry), so dlopen of the plugin fails with "undefined symbol
    // lzf_decompress" unless liblzf is already loaded globally.
    if (!dlopen("liblzf.so.1", RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD)) dlopen("liblzf.so.1", RTLD_NOW | RTLD_GLOBAL);
    std::error_code ec;
    for (const char* dir : kPluginDirs) {
      if (std::find(known.begin(), known.end(), std::string(dir)) != known.end()) continue;
      if (std::filesystem::is_directory(dir, ec)) H5PLappend(dir);
    }
  });
  // Per thread in thread-safe builds: without it HDF5 prints its error stack
  // to stderr; we translate failures into InputError instead.
  thread_local bool quiet = false;
  if (!quiet) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    quiet = true;
  }
}

std::string errorStackText() {
  std::vector<std::string> msgs;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectError, &msgs);
  H5Eclear2(H5E_DEFAULT);
  if (msgs.empty()) return "unknown HDF5 error";
  // The outermost and innermost messages say the most; keep at most three.
  std::string s;
  std::size_t from = msgs.size() > 3 ? msgs.size() - 3 : 0;
  for (std::size_t i = from; i < msgs.size(); ++i) s += (s.empty() ? "" : "; ") + msgs[i];
  return s;
}

void fail(const std::string& file, const std::string& path, const std::string& problem, const std::string& hint) {
  throw InputError(file, path, problem, hint);
}

bool exists(hid_t loc, const std::string& relPath) {
  std::size_t pos = 0;
  while (true) {
    std::size_t next = relPath.find('/', pos);
    std::string prefix = relPath.substr(0, next);
    if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  if (H5Oexists_by_name(loc, relPath.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return true;
}

static H5I_type_t objectKind(hid_t loc, const std::string& relPath) {
  if (!exists(loc, relPath)) return H5I_BADID;
  Handle o = objectHandle(H5Oopen(loc, relPath.c_str(), H5P_DEFAULT));
  if (!o.valid()) {
    H5Eclear2(H5E_DEFAULT);
    return H5I_BADID;
  }
  return H5Iget_type(o);
}

bool isGroup(hid_t loc, const std::string& relPath) { return objectKind(loc, relPath) == H5I_GROUP; }
bool isDataset(hid_t loc, const std::string& relPath) { return objectKind(loc, relPath) == H5I_DATASET; }

static herr_t collectName(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

std::vector<std::string> childNames(const Ref& at, hid_t group) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collectName, &names) < 0)
    fail(at.file, at.path, "cannot list the group: " + errorStackText(), kDamagedHint);
  return names;
}

Handle openGroup(const Ref& at, hid_t loc, const std::string& relPath) {
  Handle g = groupHandle(H5Gopen2(loc, relPath.c_str(), H5P_DEFAULT));
  if (!g.valid()) fail(at.file, at.path, "cannot open the group: " + errorStackText(), kDamagedHint);
  return g;
}

namespace {
// HDF5 1.10 copies a compact dataset's bytes out of its object header without
// checking that the header holds as many as the shape needs: a damaged size
// crashed the reader (found by fuzzing). Written contiguous data is checked
// the same way; unwritten data (no address) reads as fill values.
void checkStorage(const Ref& at, hid_t ds) {
  Handle dcpl = plistHandle(H5Dget_create_plist(ds));
  if (!dcpl.valid()) return;
  const H5D_layout_t layout = H5Pget_layout(dcpl);
  if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS) return;
  if (layout == H5D_CONTIGUOUS && H5Dget_offset(ds) == HADDR_UNDEF) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  Handle type = typeHandle(H5Dget_type(ds));
  // In-memory size: a lower bound of the stored one (a variable-length
  // element is a pointer here and a 16-byte heap reference in the file).
  const std::size_t size = type.valid() ? H5Tget_size(type) : 0;
  const hsize_t n = npoints(at, ds), have = H5Dget_storage_size(ds);
  if (size != 0 && have / size < n)
    fail(at.file, at.path,
         "stores " + std::to_string(have) + " bytes of data but its shape needs " + std::to_string(n) +
             " elements of " + std::to_string(size) + " bytes",
         kDamagedHint);
}
}  // namespace

Handle openDataset(const Ref& at, hid_t loc, const std::string& relPath, bool largeCache) {
  Handle d = datasetHandle(H5Dopen2(loc, relPath.c_str(), H5P_DEFAULT));
  if (!d.valid()) fail(at.file, at.path, "cannot open the dataset: " + errorStackText(), kDamagedHint);
  checkFilters(at, d);
  checkStorage(at, d);
  if (!largeCache) return d;
  // Row-subset reads revisit the same compressed chunks; a 64 MB cache keeps
  // them decoded instead of inflating a chunk once per row. Unfiltered
  // chunks are better left uncached: HDF5 then reads just the selected bytes.
  Handle dcpl = plistHandle(H5Dget_create_plist(d));
  if (!dcpl.valid() || H5Pget_nfilters(dcpl) <= 0) return d;
  Handle dapl = plistHandle(H5Pcreate(H5P_DATASET_ACCESS));
  H5Pset_chunk_cache(dapl, 12421, std::size_t(64) << 20, 1.0);
  Handle cached = datasetHandle(H5Dopen2(loc, relPath.c_str(), dapl));
  if (!cached.valid()) fail(at.file, at.path, "cannot open the dataset: " + errorStackText(), kDamagedHint);
  return cached;
}

bool hasAttr(hid_t obj, const char* name) {
  htri_t r = H5Aexists(obj, name);
  if (r < 0) H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

namespace {
std::vector<std::string> readStringAttrValues(const Ref& at, hid_t obj, hid_t attr, const char* name) {
  Handle type = typeHandle(H5Aget_type(attr));
  Handle space = spaceHandle(H5Aget_space(attr));
  hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<std::string> out;
  if (n <= 0) return out;
  const std::string where = at.path + " (attribute '" + name + "')";
  checkAllocation(at.file, where, static_cast<std::uint64_t>(n), sizeof(std::string) + H5Tget_size(type),
                  "reading this attribute");
  if (H5Tget_class(type) != H5T_STRING) {
    fail(at.file, where, "expected a string attribute but found " + dtypeName(type),
         "Rewrite the file with anndata 0.8 or newer");
  }
  if (H5Tis_variable_str(type) > 0) {
    checkAttributeHeapReferences(at, obj, name);
    Handle mt = typeHandle(H5Tcopy(H5T_C_S1));
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(type));
    std::vector<char*> buf(static_cast<std::size_t>(n), nullptr);
    if (H5Aread(attr, mt, buf.data()) < 0) fail(at.file, where, "cannot read: " + errorStackText(), kDamagedHint);
    for (char* p : buf) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mt, space, H5P_DEFAULT, buf.data());
  } else {
    std::size_t sz = H5Tget_size(type);
    Handle mt = typeHandle(H5Tcopy(H5T_C_S1));
    H5Tset_size(mt, sz);
    H5Tset_strpad(mt, H5T_STR_NULLPAD);
    std::vector<char> buf(sz * static_cast<std::size_t>(n));
    if (H5Aread(attr, mt, buf.data()) < 0) fail(at.file, where, "cannot read: " + errorStackText(), kDamagedHint);
    for (hssize_t i = 0; i < n; ++i) {
      const char* p = buf.data() + sz * static_cast<std::size_t>(i);
      out.emplace_back(p, strnlen(p, sz));
    }
  }
  for (const auto& s : out)
    if (!isValidUtf8(s)) fail(at.file, where, "contains text that is not valid UTF-8", "Re-save the file with UTF-8 names");
  return out;
}
}  // namespace

std::optional<std::string> stringAttr(const Ref& at, hid_t obj, const char* name) {
  if (!hasAttr(obj, name)) return std::nullopt;
  Handle a = attrHandle(H5Aopen(obj, name, H5P_DEFAULT));
  if (!a.valid()) fail(at.file, at.path, std::string("cannot open attribute '") + name + "'", kDamagedHint);
  auto v = readStringAttrValues(at, obj, a, name);
  if (v.empty()) return std::string();
  return v.front();
}

std::vector<std::string> stringArrayAttr(const Ref& at, hid_t obj, const char* name) {
  if (!hasAttr(obj, name)) return {};
  Handle a = attrHandle(H5Aopen(obj, name, H5P_DEFAULT));
  if (!a.valid()) fail(at.file, at.path, std::string("cannot open attribute '") + name + "'", kDamagedHint);
  return readStringAttrValues(at, obj, a, name);
}

std::vector<std::int64_t> intArrayAttr(const Ref& at, hid_t obj, const char* name) {
  if (!hasAttr(obj, name)) return {};
  Handle a = attrHandle(H5Aopen(obj, name, H5P_DEFAULT));
  Handle type = typeHandle(H5Aget_type(a));
  Handle space = spaceHandle(H5Aget_space(a));
  hssize_t n = H5Sget_simple_extent_npoints(space);
  const std::string where = at.path + " (attribute '" + name + "')";
  ElemKind k = elemKind(type);
  if (k != ElemKind::Integer && k != ElemKind::Unsigned && k != ElemKind::Float)
    fail(at.file, where, "expected integers but found " + dtypeName(type), "Rewrite the file with anndata");
  checkAllocation(at.file, where, static_cast<std::uint64_t>(std::max<hssize_t>(n, 0)), 8, "reading this attribute");
  std::vector<std::int64_t> out(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (!out.empty() && H5Aread(a, H5T_NATIVE_INT64, out.data()) < 0)
    fail(at.file, where, "cannot read: " + errorStackText(), kDamagedHint);
  return out;
}

std::optional<bool> boolAttr(const Ref& at, hid_t obj, const char* name) {
  if (!hasAttr(obj, name)) return std::nullopt;
  Handle a = attrHandle(H5Aopen(obj, name, H5P_DEFAULT));
  Handle type = typeHandle(H5Aget_type(a));
  ElemKind k = elemKind(type);
  if (k == ElemKind::Bool) {
    Handle mt = typeHandle(H5Tget_native_type(type, H5T_DIR_ASCEND));
    std::int8_t v = 0;
    if (H5Aread(a, mt, &v) < 0) fail(at.file, at.path, std::string("cannot read attribute ") + name, kDamagedHint);
    return v != 0;
  }
  if (k == ElemKind::Integer || k == ElemKind::Unsigned || k == ElemKind::Float) {
    std::int64_t v = 0;
    if (H5Aread(a, H5T_NATIVE_INT64, &v) < 0)
      fail(at.file, at.path, std::string("cannot read attribute ") + name, kDamagedHint);
    return v != 0;
  }
  if (k == ElemKind::String) {
    auto s = stringAttr(at, obj, name);
    return s && (*s == "True" || *s == "true" || *s == "1");
  }
  return std::nullopt;
}

std::string encodingType(const Ref& at, hid_t obj) { return stringAttr(at, obj, "encoding-type").value_or(""); }

std::vector<hsize_t> shapeOf(const Ref& at, hid_t ds) {
  Handle space = spaceHandle(H5Dget_space(ds));
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail(at.file, at.path, "cannot read the dataset shape: " + errorStackText(), kDamagedHint);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::int64_t lengthOf(const Ref& at, hid_t ds) {
  auto s = shapeOf(at, ds);
  return s.empty() ? 1 : static_cast<std::int64_t>(s[0]);
}

Handle datasetType(const Ref& at, hid_t ds, const std::string& field) {
  Handle t = typeHandle(H5Dget_type(ds));
  if (!t.valid()) fail(at.file, at.path, "cannot read the data type: " + errorStackText(), kDamagedHint);
  if (field.empty()) return t;
  if (H5Tget_class(t) != H5T_COMPOUND) fail(at.file, at.path, "expected a table (compound dataset)");
  int idx = H5Tget_member_index(t, field.c_str());
  if (idx < 0) fail(at.file, at.path, "the table has no field '" + field + "'");
  return typeHandle(H5Tget_member_type(t, static_cast<unsigned>(idx)));
}

std::vector<std::string> compoundFields(const Ref& at, hid_t ds) {
  Handle t = datasetType(at, ds);
  std::vector<std::string> out;
  if (H5Tget_class(t) != H5T_COMPOUND) return out;
  int n = H5Tget_nmembers(t);
  const std::size_t size = H5Tget_size(t);
  for (int i = 0; i < n; ++i) {
    char* name = H5Tget_member_name(t, static_cast<unsigned>(i));
    out.emplace_back(name ? name : "");
    H5free_memory(name);
    // libhdf5 converts each member in place from the stored row: a member that
    // reaches past the row (a damaged type) makes it read past its buffer.
    Handle member = typeHandle(H5Tget_member_type(t, static_cast<unsigned>(i)));
    const std::size_t offset = H5Tget_member_offset(t, static_cast<unsigned>(i)), bytes = H5Tget_size(member);
    if (offset > size || bytes > size - offset)
      fail(at.file, at.path + " (field '" + out.back() + "')",
           "the field's bytes " + std::to_string(offset) + ".." + std::to_string(offset + bytes) +
               " lie outside the table's rows of " + std::to_string(size) + " bytes",
           kDamagedHint);
  }
  return out;
}

ElemKind elemKind(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return H5Tget_sign(type) == H5T_SGN_NONE ? ElemKind::Unsigned : ElemKind::Integer;
    case H5T_FLOAT:
      return ElemKind::Float;
    case H5T_STRING:
      return ElemKind::String;
    case H5T_COMPOUND:
      return ElemKind::Compound;
    case H5T_ARRAY:
      return ElemKind::Array;
    case H5T_ENUM: {
      // h5py stores numpy bool as an int8 enum {FALSE=0, TRUE=1}.
      if (H5Tget_nmembers(type) == 2 && H5Tget_size(type) == 1) return ElemKind::Bool;
      return ElemKind::Other;
    }
    default:
      return ElemKind::Other;
  }
}

std::string dtypeName(hid_t type) {
  std::size_t sz = H5Tget_size(type);
  switch (elemKind(type)) {
    case ElemKind::Integer:
      return "int" + std::to_string(sz * 8);
    case ElemKind::Unsigned:
      return "uint" + std::to_string(sz * 8);
    case ElemKind::Float:
      return "float" + std::to_string(sz * 8);
    case ElemKind::Bool:
      return "bool";
    case ElemKind::String:
      return "string";
    case ElemKind::Compound:
      return "compound";
    case ElemKind::Array:
      return "array";
    default:
      return "unsupported type";
  }
}

void checkFilters(const Ref& at, hid_t ds) {
  Handle dcpl = plistHandle(H5Dget_create_plist(ds));
  if (!dcpl.valid()) return;
  int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t nelem = 8;
    unsigned cd[8];
    char name[256] = {0};
    H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nelem, cd, sizeof name, name, &config);
    // h5py marks LZF "optional", which only matters when writing: reading
    // chunks that were compressed with it still needs the filter.
    if (id < 0) continue;
    htri_t avail = H5Zfilter_avail(id);
    std::string why = avail < 0 ? " (" + errorStackText() + ")" : "";
    H5Eclear2(H5E_DEFAULT);
    if (avail > 0) continue;
    std::string fname = *name ? name : "unnamed";
    if (id == 32000)
      fail(at.file, at.path,
           "is compressed with the LZF filter (h5py filter 32000, '" + fname + "'), which HDF5 cannot load here" + why,
           "Install Debian's hdf5-plugin-lzf and liblzf1 (apt install hdf5-plugin-lzf liblzf1) or set "
           "HDF5_PLUGIN_PATH to the folder holding liblzf_filter.so; or re-save the file with gzip compression");
    fail(at.file, at.path,
         "needs the HDF5 filter '" + fname + "' (id " + std::to_string(id) + "), which is not available",
         "Install the HDF5 plugin for this filter (set HDF5_PLUGIN_PATH) or re-save the file with gzip compression");
  }
}

std::vector<double> readDoubles(const Ref& at, hid_t ds, const std::string& field) {
  return readNumeric<double>(at, ds, field, H5T_NATIVE_DOUBLE);
}
std::vector<float> readFloats(const Ref& at, hid_t ds, const std::string& field) {
  return readNumeric<float>(at, ds, field, H5T_NATIVE_FLOAT);
}
std::vector<std::int64_t> readInt64(const Ref& at, hid_t ds, const std::string& field) {
  Handle ft = datasetType(at, ds, field);
  ElemKind k = elemKind(ft);
  if (k == ElemKind::Float)
    fail(at.file, at.path, "expected integers but found " + dtypeName(ft), "Store this entry as an integer array");
  return readNumeric<std::int64_t>(at, ds, field, H5T_NATIVE_INT64);
}

std::vector<std::uint8_t> readBools(const Ref& at, hid_t ds, const std::string& field) {
  Handle ft = datasetType(at, ds, field);
  ElemKind k = elemKind(ft);
  if (k == ElemKind::Bool) {
    Handle mt = typeHandle(H5Tget_native_type(ft, H5T_DIR_ASCEND));
    Handle wrapped = wrapField(field, mt);
    const hsize_t n = npoints(at, ds);
    checkAllocation(at.file, at.path, n, 1, "reading this dataset");
    std::vector<std::int8_t> raw(n);
    if (!raw.empty()) readWhole(at, ds, wrapped, raw.data(), field);
    return std::vector<std::uint8_t>(raw.begin(), raw.end());
  }
  if (k == ElemKind::Integer || k == ElemKind::Unsigned || k == ElemKind::Float) {
    auto v = readNumeric<double>(at, ds, field, H5T_NATIVE_DOUBLE);
    std::vector<std::uint8_t> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i] != 0;
    return out;
  }
  fail(at.file, at.path, "expected booleans but found " + dtypeName(ft), "Store this entry as a boolean array");
}

std::vector<std::string> readStrings(const Ref& at, hid_t ds, const std::string& field) {
  Handle ft = datasetType(at, ds, field);
  ElemKind k = elemKind(ft);
  const std::string where = at.path + (field.empty() ? "" : " (field '" + field + "')");
  std::vector<std::string> out;
  if (k == ElemKind::Integer || k == ElemKind::Unsigned || k == ElemKind::Float) {
    for (double v : readNumeric<double>(at, ds, field, H5T_NATIVE_DOUBLE)) out.push_back(formatNumber(v));
    return out;
  }
  if (k == ElemKind::Bool) {
    for (auto b : readBools(at, ds, field)) out.emplace_back(b ? "True" : "False");
    return out;
  }
  if (k != ElemKind::String) fail(at.file, where, "expected strings but found " + dtypeName(ft), "Store this entry as strings");
  hsize_t n = npoints(at, ds);
  // Each entry becomes a std::string besides its bytes in the read buffer.
  checkAllocation(at.file, where, n, sizeof(std::string) + H5Tget_size(ft), "reading these strings");
  out.reserve(n);
  if (n == 0) return out;
  if (H5Tis_variable_str(ft) > 0) {
    if (field.empty()) checkDatasetHeapReferences(at, ds, n);
    Handle mt = typeHandle(H5Tcopy(H5T_C_S1));
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(ft));
    Handle wrapped = wrapField(field, mt);
    std::vector<char*> buf(n, nullptr);
    readWhole(at, ds, wrapped, buf.data(), field);
    for (char* p : buf) out.emplace_back(p ? p : "");
    Handle space = spaceHandle(H5Dget_space(ds));
    H5Dvlen_reclaim(wrapped, space, H5P_DEFAULT, buf.data());
  } else {
    std::size_t sz = H5Tget_size(ft);
    Handle mt = typeHandle(H5Tcopy(H5T_C_S1));
    H5Tset_size(mt, sz);
    H5Tset_strpad(mt, H5T_STR_NULLPAD);
    Handle wrapped = wrapField(field, mt);
    std::vector<char> buf(sz * n);
    readWhole(at, ds, wrapped, buf.data(), field);
    for (hsize_t i = 0; i < n; ++i) {
      const char* p = buf.data() + sz * i;
      out.emplace_back(p, strnlen(p, sz));
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!isValidUtf8(out[i]))
      fail(at.file, where, "entry " + std::to_string(i) + " is not valid UTF-8 text",
           "Re-save the file with UTF-8 strings (e.g. decode bytes with the right codec in Python)");
  return out;
}

void readRange(const Ref& at, hid_t ds, hid_t memType, hsize_t start, hsize_t count, void* out) {
  if (count == 0) return;
  Handle fs = spaceHandle(H5Dget_space(ds));
  if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0)
    fail(at.file, at.path, "elements " + std::to_string(start) + "+" + std::to_string(count) + " are out of range",
         kDamagedHint);
  Handle ms = spaceHandle(H5Screate_simple(1, &count, nullptr));
  if (H5Dread(ds, memType, ms, fs, H5P_DEFAULT, out) < 0)
    fail(at.file, at.path,
         "reading elements " + std::to_string(start) + ".." + std::to_string(start + count) +
             " failed: " + errorStackText(),
         kDamagedHint);
}

void readRows(const Ref& at, hid_t ds, hid_t memType, hsize_t row, hsize_t count, hsize_t cols, void* out) {
  if (count == 0 || cols == 0) return;
  Handle fs = spaceHandle(H5Dget_space(ds));
  hsize_t start[2] = {row, 0}, cnt[2] = {count, cols};
  if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, nullptr, cnt, nullptr) < 0)
    fail(at.file, at.path, "rows " + std::to_string(row) + "+" + std::to_string(count) + " are out of range",
         kDamagedHint);
  Handle ms = spaceHandle(H5Screate_simple(2, cnt, nullptr));
  if (H5Dread(ds, memType, ms, fs, H5P_DEFAULT, out) < 0)
    fail(at.file, at.path,
         "reading rows " + std::to_string(row) + ".." + std::to_string(row + count) + " failed: " + errorStackText(),
         kDamagedHint);
}

void readAllInto(const Ref& at, hid_t ds, hid_t memType, void* out) { readWhole(at, ds, memType, out, {}); }

std::string formatNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace scdfm::h5
