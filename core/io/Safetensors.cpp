#include "core/io/Safetensors.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

namespace scdfm {
namespace {

struct DTypeName {
  DType d;
  const char* name;
  std::size_t size;
};
constexpr DTypeName kDTypes[] = {{DType::F32, "F32", 4}, {DType::F64, "F64", 8}, {DType::F16, "F16", 2},
                                 {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
                                 {DType::I16, "I16", 2}, {DType::I8, "I8", 1},  {DType::U8, "U8", 1},
                                 {DType::BOOL, "BOOL", 1}};

DType parseDType(const std::string& s, const std::string& path, const std::string& name) {
  for (const auto& d : kDTypes)
    if (s == d.name) return d.d;
  throw InputError(path, "tensor '" + name + "'", "unsupported dtype '" + s + "'",
                   "Convert the tensor to F32, F64, I64, I32 or U8 before loading");
}

float halfToFloat(std::uint16_t h) {
  std::uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ff;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
T load(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

SafetensorsFile readImpl(const std::string& path, bool withData) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open the file", "Check the path and that the file is readable");
  in.seekg(0, std::ios::end);
  const auto fileSize = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  std::uint64_t headerLen = 0;
  if (fileSize < 8 || !in.read(reinterpret_cast<char*>(&headerLen), 8))
    throw InputError(path, "", "file too short to be a safetensors file", "Choose a .safetensors checkpoint");
  if (headerLen > fileSize - 8 || headerLen > (100u << 20))
    throw InputError(path, "header", "header length " + std::to_string(headerLen) + " exceeds the file size",
                     "The file is truncated or not a safetensors file");
  std::string header(headerLen, '\0');
  in.read(header.data(), static_cast<std::streamsize>(headerLen));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header);
  } catch (const std::exception& e) {
    throw InputError(path, "header", std::string("header is not valid JSON (") + e.what() + ")",
                     "The file is corrupt or not a safetensors file");
  }
  if (!j.is_object()) throw InputError(path, "header", "header is not a JSON object", "The file is corrupt");
  SafetensorsFile out;
  out.path = path;
  const std::uint64_t dataStart = 8 + headerLen, dataSize = fileSize - dataStart;
  std::uint64_t dataRead = 0;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (it->is_object())
        for (auto m = it->begin(); m != it->end(); ++m)
          out.metadata[m.key()] = m->is_string() ? m->get<std::string>() : m->dump();
      continue;
    }
    const auto& e = *it;
    const std::string& name = it.key();
    try {
      RawTensor t;
      t.dtype = parseDType(e.at("dtype").get<std::string>(), path, name);
      t.shape = e.at("shape").get<std::vector<std::int64_t>>();
      auto off = e.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (off.size() != 2 || off[0] > off[1] || off[1] > dataSize)
        throw InputError(path, "tensor '" + name + "'", "data offsets lie outside the file",
                         "The file is truncated or corrupt");
      std::int64_t numel = 0;
      if (!checkedProduct(t.shape.data(), t.shape.size(), &numel))
        throw InputError(path, "tensor '" + name + "'", "negative or impossibly large dimensions",
                         "The file is corrupt");
      const std::uint64_t bytes = off[1] - off[0];  // ≤ the file size, so the product below cannot wrap
      if (static_cast<std::uint64_t>(numel) > bytes || static_cast<std::uint64_t>(numel) * dtypeSize(t.dtype) != bytes)
        throw InputError(path, "tensor '" + name + "'", "byte size does not match dtype and shape",
                         "The file is corrupt");
      if (withData) {
        // Entries may overlap, so many of them can copy one large region again and again.
        dataRead += off[1] - off[0];
        checkAllocation(path, "tensor '" + name + "'", dataRead, 1, "the tensors of this file");
        t.data.resize(off[1] - off[0]);
        in.seekg(static_cast<std::streamoff>(dataStart + off[0]));
        if (!in.read(reinterpret_cast<char*>(t.data.data()), static_cast<std::streamsize>(t.data.size())))
          throw InputError(path, "tensor '" + name + "'", "could not read the tensor data", "The file is truncated");
      }
      out.tensors.emplace(name, std::move(t));
    } catch (const nlohmann::json::exception& ex) {
      throw InputError(path, "tensor '" + name + "'", std::string("malformed header entry (") + ex.what() + ")",
                       "The file is corrupt");
    }
  }
  return out;
}

}  // namespace

const char* toString(DType d) {
  for (const auto& x : kDTypes)
    if (x.d == d) return x.name;
  return "?";
}

std::size_t dtypeSize(DType d) {
  for (const auto& x : kDTypes)
    if (x.d == d) return x.size;
  return 0;
}

std::int64_t RawTensor::numel() const {
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

std::vector<float> RawTensor::toFloat() const {
  const auto n = static_cast<std::size_t>(numel());
  std::vector<float> out(n);
  const std::uint8_t* p = data.data();
  if (data.size() != n * dtypeSize(dtype)) throw InputError("tensor data not loaded or inconsistent");
  for (std::size_t i = 0; i < n; ++i) {
    switch (dtype) {
      case DType::F32: out[i] = load<float>(p + 4 * i); break;
      case DType::F64: out[i] = static_cast<float>(load<double>(p + 8 * i)); break;
      case DType::F16: out[i] = halfToFloat(load<std::uint16_t>(p + 2 * i)); break;
      case DType::BF16: {
        std::uint32_t bits = static_cast<std::uint32_t>(load<std::uint16_t>(p + 2 * i)) << 16;
        std::memcpy(&out[i], &bits, 4);
        break;
      }
      case DType::I64: out[i] = static_cast<float>(load<std::int64_t>(p + 8 * i)); break;
      case DType::I32: out[i] = static_cast<float>(load<std::int32_t>(p + 4 * i)); break;
      case DType::I16: out[i] = static_cast<float>(load<std::int16_t>(p + 2 * i)); break;
      case DType::I8: out[i] = static_cast<float>(load<std::int8_t>(p + i)); break;
      case DType::U8:
      case DType::BOOL: out[i] = static_cast<float>(p[i]); break;
    }
  }
  return out;
}

std::vector<std::int64_t> RawTensor::toInt64() const {
  const auto n = static_cast<std::size_t>(numel());
  std::vector<std::int64_t> out(n);
  const std::uint8_t* p = data.data();
  if (data.size() != n * dtypeSize(dtype)) throw InputError("tensor data not loaded or inconsistent");
  for (std::size_t i = 0; i < n; ++i) {
    switch (dtype) {
      case DType::I64: out[i] = load<std::int64_t>(p + 8 * i); break;
      case DType::I32: out[i] = load<std::int32_t>(p + 4 * i); break;
      case DType::I16: out[i] = load<std::int16_t>(p + 2 * i); break;
      case DType::I8: out[i] = load<std::int8_t>(p + i); break;
      case DType::U8:
      case DType::BOOL: out[i] = p[i]; break;
      default: throw InputError("", "", std::string("cannot read a ") + toString(dtype) + " tensor as integers",
                                "Store integer tensors as I64/I32/U8");
    }
  }
  return out;
}

RawTensor RawTensor::fromFloat(std::vector<std::int64_t> shape, const float* values) {
  RawTensor t;
  t.dtype = DType::F32;
  t.shape = std::move(shape);
  t.data.resize(static_cast<std::size_t>(t.numel()) * 4);
  if (!t.data.empty()) std::memcpy(t.data.data(), values, t.data.size());
  return t;
}

RawTensor RawTensor::fromInt64(std::vector<std::int64_t> shape, const std::int64_t* values) {
  RawTensor t;
  t.dtype = DType::I64;
  t.shape = std::move(shape);
  t.data.resize(static_cast<std::size_t>(t.numel()) * 8);
  if (!t.data.empty()) std::memcpy(t.data.data(), values, t.data.size());
  return t;
}

const RawTensor& SafetensorsFile::at(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end())
    throw InputError(path, "tensor '" + name + "'", "not found in the file",
                     "The file was made for another model or version");
  return it->second;
}

SafetensorsFile readSafetensors(const std::string& path) { return readImpl(path, true); }
SafetensorsFile readSafetensorsHeader(const std::string& path) { return readImpl(path, false); }

void writeSafetensors(const std::string& path, const SafetensorsFile& file) {
  nlohmann::json header = nlohmann::json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : file.tensors) {
    header[name] = {{"dtype", toString(t.dtype)},
                    {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.data.size()}}};
    offset += t.data.size();
  }
  std::string hs = header.dump();
  while ((hs.size() + 8) % 8 != 0) hs.push_back(' ');  // align data to 8 bytes
  writeFileAtomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp, "", "cannot create the file", "Check that the folder is writable");
    std::uint64_t len = hs.size();
    out.write(reinterpret_cast<const char*>(&len), 8);
    out.write(hs.data(), static_cast<std::streamsize>(hs.size()));
    for (const auto& [name, t] : file.tensors)
      out.write(reinterpret_cast<const char*>(t.data.data()), static_cast<std::streamsize>(t.data.size()));
    out.flush();
    if (!out) throw InputError(tmp, "", "writing failed", "Check free disk space");
  });
}

}  // namespace scdfm
