#include "core/io/Hdf5Write.h"

#include <algorithm>

#include "core/io/Hdf5Read.h"
#include "core/util/Error.h"

namespace scdfm::h5 {
namespace {

constexpr const char* kWriteHint = "Check that the folder is writable and the disk is not full";

[[noreturn]] void writeFailed(const WriteCtx& c, const std::string& path, const std::string& what) {
  throw InputError(c.file, path, what + ": " + errorStackText(), kWriteHint);
}

void writeAttr(const WriteCtx& c, hid_t obj, const char* name, hid_t type, hid_t space, const void* data,
               const std::string& path) {
  if (hasAttr(obj, name)) H5Adelete(obj, name);
  Handle a = attrHandle(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  if (!a.valid() || H5Awrite(a, type, data) < 0) writeFailed(c, path, std::string("cannot write attribute '") + name + "'");
}

// Chunked + gzip for arrays worth compressing; contiguous otherwise.
Handle datasetCreateProps(const WriteCtx& c, const std::vector<hsize_t>& dims, std::size_t elemSize) {
  Handle dcpl = plistHandle(H5Pcreate(H5P_DATASET_CREATE));
  if (!c.compress || dims.empty()) return dcpl;
  hsize_t total = 1;
  for (auto d : dims) total *= d;
  if (total * elemSize < 16384) return dcpl;
  // About 1 MB chunks, whole rows for 2-D arrays.
  std::vector<hsize_t> chunk = dims;
  const hsize_t target = std::max<hsize_t>(1, (hsize_t(1) << 20) / elemSize);
  if (dims.size() == 1) {
    chunk[0] = std::min(dims[0], target);
  } else {
    hsize_t rowElems = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) rowElems *= dims[i];
    chunk[0] = std::clamp<hsize_t>(target / std::max<hsize_t>(rowElems, 1), 1, dims[0]);
  }
  H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, 4);
  return dcpl;
}

}  // namespace

Handle boolType() {
  Handle t = typeHandle(H5Tenum_create(H5T_NATIVE_INT8));
  std::int8_t f = 0, tr = 1;
  H5Tenum_insert(t, "FALSE", &f);
  H5Tenum_insert(t, "TRUE", &tr);
  return t;
}

Handle utf8VarStringType() {
  Handle t = typeHandle(H5Tcopy(H5T_C_S1));
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

Handle createGroup(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." )
    throw InputError(c.file, path, "the name '" + name + "' cannot be stored in HDF5 (empty, '.' or contains '/')",
                     "Rename the key");
  Handle g = groupHandle(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g.valid()) writeFailed(c, path, "cannot create the group");
  return g;
}

void setStringAttr(const WriteCtx& c, hid_t obj, const char* name, const std::string& value, const std::string& path) {
  Handle t = utf8VarStringType();
  Handle s = spaceHandle(H5Screate(H5S_SCALAR));
  const char* p = value.c_str();
  writeAttr(c, obj, name, t, s, &p, path);
}

void setStringArrayAttr(const WriteCtx& c, hid_t obj, const char* name, const std::vector<std::string>& values,
                        const std::string& path) {
  hsize_t n = values.size();
  Handle s = spaceHandle(H5Screate_simple(1, &n, nullptr));
  if (values.empty()) {
    // What h5py writes for an empty list (numpy gives it float64).
    double dummy = 0;
    writeAttr(c, obj, name, H5T_NATIVE_DOUBLE, s, &dummy, path);
    return;
  }
  Handle t = utf8VarStringType();
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  writeAttr(c, obj, name, t, s, ptrs.data(), path);
}

void setIntArrayAttr(const WriteCtx& c, hid_t obj, const char* name, const std::vector<std::int64_t>& values,
                     const std::string& path) {
  hsize_t n = values.size();
  Handle s = spaceHandle(H5Screate_simple(1, &n, nullptr));
  writeAttr(c, obj, name, H5T_NATIVE_INT64, s, values.data(), path);
}

void setBoolAttr(const WriteCtx& c, hid_t obj, const char* name, bool value, const std::string& path) {
  Handle t = boolType();
  Handle s = spaceHandle(H5Screate(H5S_SCALAR));
  std::int8_t v = value ? 1 : 0;
  writeAttr(c, obj, name, t, s, &v, path);
}

void setEncoding(const WriteCtx& c, hid_t obj, const std::string& type, const std::string& version,
                 const std::string& path) {
  setStringAttr(c, obj, "encoding-type", type, path);
  setStringAttr(c, obj, "encoding-version", version, path);
}

Handle writeArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path, hid_t memType,
                  hid_t fileType, const std::vector<hsize_t>& dims, const void* data) {
  if (name.empty() || name.find('/') != std::string::npos)
    throw InputError(c.file, path, "the name '" + name + "' cannot be stored in HDF5 (empty or contains '/')",
                     "Rename the key");
  Handle space = spaceHandle(dims.empty() ? H5Screate(H5S_SCALAR)
                                          : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Handle dcpl = datasetCreateProps(c, dims, H5Tget_size(fileType));
  Handle d = datasetHandle(H5Dcreate2(loc, name.c_str(), fileType, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  if (!d.valid()) writeFailed(c, path, "cannot create the dataset");
  hsize_t total = 1;
  for (auto x : dims) total *= x;
  if (total > 0 && H5Dwrite(d, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    writeFailed(c, path, "cannot write the dataset");
  return d;
}

void writeStringArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                      const std::vector<std::string>& values) {
  Handle t = utf8VarStringType();
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Handle d = writeArray(c, loc, name, path, t, t, {values.size()}, ptrs.data());
  setEncoding(c, d, "string-array", "0.2.0", path);
}

void writeBoolArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                    const std::vector<std::uint8_t>& values) {
  Handle t = boolType();
  std::vector<std::int8_t> v(values.begin(), values.end());
  for (auto& x : v) x = x ? 1 : 0;
  Handle d = writeArray(c, loc, name, path, t, t, {values.size()}, v.data());
  setEncoding(c, d, "array", "0.2.0", path);
}

void writeStringScalar(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                       const std::string& value) {
  Handle t = utf8VarStringType();
  const char* p = value.c_str();
  Handle d = writeArray(c, loc, name, path, t, t, {}, &p);
  setEncoding(c, d, "string", "0.2.0", path);
}

}  // namespace scdfm::h5
