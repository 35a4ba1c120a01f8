// Fuzz target: a torch.save file given to `scdfm import`, as the checkpoint
// (TorchZipReader + PickleReader, state_dict search, config inference) and as
// the graph mask; the plain reader's views (JSON of the scalars) too.
//
// The zip layer checks every entry's CRC-32, so most byte flips inside
// data.pkl would stop there. An input that does not start like a zip is
// therefore taken as the pickle itself and stored into a fresh archive (right
// CRCs) beside storages "0".."15", laid out as torch.save lays them out.
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "FuzzSupport.h"
#include "core/flow/ModelLoading.h"
#include "core/io/TorchZipReader.h"

namespace scdfm::fuzz {
namespace {

void put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A zip of stored (uncompressed) entries, the layout torch.save writes.
std::string storedZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, central;
  for (const auto& [name, data] : entries) {
    const auto crc = ::crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    const std::uint64_t offset = out.size();
    put(out, 0x04034b50, 4);
    put(out, 20, 2), put(out, 0, 2), put(out, 0, 2), put(out, 0, 4);  // version, flags, method, time+date
    put(out, crc, 4), put(out, data.size(), 4), put(out, data.size(), 4);
    put(out, name.size(), 2), put(out, 0, 2);
    out += name + data;
    put(central, 0x02014b50, 4);
    put(central, 20, 2), put(central, 20, 2), put(central, 0, 2), put(central, 0, 2), put(central, 0, 4);
    put(central, crc, 4), put(central, data.size(), 4), put(central, data.size(), 4);
    put(central, name.size(), 2), put(central, 0, 2), put(central, 0, 2);  // name, extra, comment lengths
    put(central, 0, 2), put(central, 0, 2), put(central, 0, 4), put(central, offset, 4);
    central += name;
  }
  const std::uint64_t cdOffset = out.size();
  out += central;
  put(out, 0x06054b50, 4);
  put(out, 0, 2), put(out, 0, 2), put(out, entries.size(), 2), put(out, entries.size(), 2);
  put(out, central.size(), 4), put(out, cdOffset, 4), put(out, 0, 2);
  return out;
}

std::string asTorchFile(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.rfind("PK", 0) == 0) return bytes;
  std::vector<std::pair<std::string, std::string>> entries{{"archive/data.pkl", bytes}};
  for (int k = 0; k < 16; ++k) {
    std::string storage(256, '\0');
    for (std::size_t i = 0; i < storage.size(); ++i) storage[i] = static_cast<char>(i * 7 + k);
    entries.emplace_back("archive/data/" + std::to_string(k), storage);
  }
  entries.emplace_back("archive/byteorder", "little");
  return storedZip(entries);
}

}  // namespace

void runTorchImport(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = asTorchFile(data, size);
  InputFile file(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), ".pt");
  stage([&] {
    TorchCheckpoint c = readTorchCheckpoint(file.path());
    (void)toJson(*c.root).dump();
    stage([&] { (void)c.stateDict(); });
  });
  stage([&] { (void)readGraphMaskFile(file.path()); });
  stage([&] {
    ImportRequest request;
    request.checkpoint = file.path();
    (void)importAuthorsCheckpoint(request);
  });
}

}  // namespace scdfm::fuzz
