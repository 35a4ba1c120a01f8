#pragma once
// Low-level HDF5 writing helpers for the .h5ad writer: groups, the attribute
// forms h5py produces (variable-length UTF-8 strings, numpy bool enums), and
// numeric/string datasets with optional gzip. Failures become InputError
// naming the file and HDF5 path. Internal to core/io.
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/Hdf5Handle.h"

namespace scdfm::h5 {

struct WriteCtx {
  std::string file;       // the user-visible target path (not the temporary)
  bool compress = false;  // gzip on large arrays
};

// numpy bool as h5py stores it: an int8 enum {FALSE=0, TRUE=1}.
Handle boolType();
Handle utf8VarStringType();

Handle createGroup(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path);
void setStringAttr(const WriteCtx& c, hid_t obj, const char* name, const std::string& value, const std::string& path);
void setStringArrayAttr(const WriteCtx& c, hid_t obj, const char* name, const std::vector<std::string>& values,
                        const std::string& path);
void setIntArrayAttr(const WriteCtx& c, hid_t obj, const char* name, const std::vector<std::int64_t>& values,
                     const std::string& path);
void setBoolAttr(const WriteCtx& c, hid_t obj, const char* name, bool value, const std::string& path);
// encoding-type / encoding-version attributes.
void setEncoding(const WriteCtx& c, hid_t obj, const std::string& type, const std::string& version,
                 const std::string& path);

// Writes an N-D dataset (dims empty = scalar) converting memType -> fileType.
Handle writeArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path, hid_t memType,
                  hid_t fileType, const std::vector<hsize_t>& dims, const void* data);
// 1-D variable-length UTF-8 string dataset (encoding string-array).
void writeStringArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                      const std::vector<std::string>& values);
// 1-D bool dataset from 0/1 bytes (encoding array).
void writeBoolArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                    const std::vector<std::uint8_t>& values);
// Scalar string dataset (encoding string).
void writeStringScalar(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                       const std::string& value);

}  // namespace scdfm::h5
