#pragma once
// safetensors files: 8-byte little-endian header length, JSON header
// {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, raw data.
// Plain types only; the model layer converts to torch tensors.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace scdfm {

enum class DType { F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL };
const char* toString(DType d);
std::size_t dtypeSize(DType d);

struct RawTensor {
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> data;  // little-endian, row-major

  std::int64_t numel() const;
  // Converting accessors (throw InputError on dtypes that do not convert).
  std::vector<float> toFloat() const;
  std::vector<std::int64_t> toInt64() const;
  static RawTensor fromFloat(std::vector<std::int64_t> shape, const float* values);
  static RawTensor fromInt64(std::vector<std::int64_t> shape, const std::int64_t* values);
};

struct SafetensorsFile {
  std::map<std::string, std::string> metadata;  // "__metadata__"
  std::map<std::string, RawTensor> tensors;

  bool has(const std::string& name) const { return tensors.count(name) != 0; }
  // Throws InputError naming the file and tensor when absent.
  const RawTensor& at(const std::string& name) const;
  std::string path;  // for messages
};

// Reads the whole file. Throws InputError (file, tensor, problem) on malformed input.
SafetensorsFile readSafetensors(const std::string& path);
// Reads only the header (names, dtypes, shapes, metadata; data left empty).
SafetensorsFile readSafetensorsHeader(const std::string& path);
// Writes atomically; tensors in name order, 8-byte aligned header.
void writeSafetensors(const std::string& path, const SafetensorsFile& file);

}  // namespace scdfm
