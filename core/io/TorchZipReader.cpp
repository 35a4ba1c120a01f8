#include "core/io/TorchZipReader.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"
#include "core/util/Strings.h"

namespace scdfm {
namespace {

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressedSize = 0, size = 0, localOffset = 0;
};

// Minimal reader of the zip container torch.save writes (stored entries,
// optional zip64 records for files over 4 GiB).
class ZipArchive {
 public:
  explicit ZipArchive(std::string path) : path_(std::move(path)), in_(path_, std::ios::binary) {
    if (!in_) throw InputError(path_, "", "cannot open the file", "Check the path and that the file is readable");
    in_.seekg(0, std::ios::end);
    fileSize_ = static_cast<std::uint64_t>(in_.tellg());
    readDirectory();
  }

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }

  std::vector<std::uint8_t> read(const ZipEntry& e) {
    if (e.method != 0)
      throw InputError(path_, "zip entry '" + e.name + "'",
                       fmt::format("compressed with method {} (only uncompressed 'stored' entries are supported)",
                                   e.method),
                       "Files written by torch.save are uncompressed; re-save the checkpoint with torch.save instead "
                       "of re-zipping it");
    auto local = bytesAt(e.localOffset, 30, "local header of '" + e.name + "'");
    if (u32(local.data()) != 0x04034b50u) corrupt("local header of '" + e.name + "' has a bad signature");
    const std::uint64_t dataAt = e.localOffset + 30 + u16(local.data() + 26) + u16(local.data() + 28);
    // Entries may share bytes, so many of them can copy one large region again and again.
    bytesRead_ += e.size;
    checkAllocation(path_, "zip entry '" + e.name + "'", bytesRead_, 1, "the entries read from this archive");
    auto data = bytesAt(dataAt, e.size, "data of '" + e.name + "'");
    if (crc32(data.data(), data.size()) != e.crc) corrupt("entry '" + e.name + "' fails its CRC-32 check");
    return data;
  }

  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void corrupt(const std::string& where) const {
    throw InputError(path_, where, "the zip archive is corrupt or truncated",
                     "Copy or download the checkpoint again");
  }
  static std::uint16_t u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
  static std::uint32_t u32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
  }
  static std::uint64_t u64(const std::uint8_t* p) {
    return static_cast<std::uint64_t>(u32(p)) | (static_cast<std::uint64_t>(u32(p + 4)) << 32);
  }
  std::vector<std::uint8_t> bytesAt(std::uint64_t offset, std::uint64_t n, const std::string& what) {
    if (offset > fileSize_ || n > fileSize_ - offset) corrupt(what + " lies past the end of the file");
    std::vector<std::uint8_t> out(n);
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset));
    if (n && !in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n))) corrupt(what);
    return out;
  }

  void readDirectory() {
    if (fileSize_ < 22) notZip();
    const std::uint64_t tailLen = std::min<std::uint64_t>(fileSize_, 22 + 65535);
    auto tail = bytesAt(fileSize_ - tailLen, tailLen, "end of central directory");
    std::int64_t eocd = -1;
    for (std::int64_t k = static_cast<std::int64_t>(tailLen) - 22; k >= 0; --k)
      if (u32(tail.data() + k) == 0x06054b50u) {
        eocd = k;
        break;
      }
    if (eocd < 0) notZip();
    const std::uint8_t* e = tail.data() + eocd;
    std::uint64_t count = u16(e + 10), cdSize = u32(e + 12), cdOffset = u32(e + 16);
    const std::uint64_t eocdAt = fileSize_ - tailLen + static_cast<std::uint64_t>(eocd);
    if ((count == 0xFFFF || cdSize == 0xFFFFFFFFu || cdOffset == 0xFFFFFFFFu) && eocdAt >= 20) {
      auto loc = bytesAt(eocdAt - 20, 20, "zip64 locator");
      if (u32(loc.data()) == 0x07064b50u) {
        auto z = bytesAt(u64(loc.data() + 8), 56, "zip64 end of central directory");
        if (u32(z.data()) != 0x06064b50u) corrupt("zip64 end of central directory");
        count = u64(z.data() + 32);
        cdSize = u64(z.data() + 40);
        cdOffset = u64(z.data() + 48);
      }
    }
    auto cd = bytesAt(cdOffset, cdSize, "central directory");
    std::size_t p = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (p + 46 > cd.size() || u32(cd.data() + p) != 0x02014b50u) corrupt("central directory entry " + std::to_string(i));
      const std::uint8_t* h = cd.data() + p;
      ZipEntry z;
      z.method = u16(h + 10);
      z.crc = u32(h + 16);
      z.compressedSize = u32(h + 20);
      z.size = u32(h + 24);
      const std::size_t nameLen = u16(h + 28), extraLen = u16(h + 30), commentLen = u16(h + 32);
      z.localOffset = u32(h + 42);
      if (p + 46 + nameLen + extraLen + commentLen > cd.size()) corrupt("central directory entry " + std::to_string(i));
      z.name.assign(reinterpret_cast<const char*>(h + 46), nameLen);
      // zip64 extended information: the 0xFFFFFFFF fields, in order.
      const std::uint8_t* x = h + 46 + nameLen;
      for (std::size_t q = 0; q + 4 <= extraLen;) {
        const std::uint16_t id = u16(x + q), len = u16(x + q + 2);
        if (q + 4 + len > extraLen) break;
        if (id == 0x0001) {
          std::size_t r = q + 4;
          auto next = [&](std::uint64_t& field) {
            if (field == 0xFFFFFFFFu && r + 8 <= q + 4 + len) {
              field = u64(x + r);
              r += 8;
            }
          };
          next(z.size);
          next(z.compressedSize);
          next(z.localOffset);
        }
        q += 4 + len;
      }
      if (z.method == 0 && z.compressedSize != z.size) corrupt("entry '" + z.name + "' sizes disagree");
      entries_.push_back(std::move(z));
      p += 46 + nameLen + extraLen + commentLen;
    }
  }
  [[noreturn]] void notZip() const {
    throw InputError(path_, "", "not a zip archive (torch.save ≥ 1.6 format) or truncated",
                     "Only checkpoints written by torch.save (PyTorch 1.6 or later) or .safetensors files can be "
                     "imported; for older files, load and re-save them with a recent PyTorch");
  }

  std::string path_;
  std::ifstream in_;
  std::uint64_t fileSize_ = 0;
  std::uint64_t bytesRead_ = 0;
  std::vector<ZipEntry> entries_;
};

void swapBytes(std::vector<std::uint8_t>& bytes, std::size_t elemSize) {
  if (elemSize <= 1) return;
  for (std::size_t i = 0; i + elemSize <= bytes.size(); i += elemSize)
    for (std::size_t a = 0, b = elemSize - 1; a < b; ++a, --b) std::swap(bytes[i + a], bytes[i + b]);
}

// Paths visited and tensor bytes copied while collecting: a pickle may refer
// to one object many times (memo), so a small file can name billions of paths.
struct CollectBudget {
  std::size_t paths = 0;
  std::uint64_t tensorBytes = 0;
};
constexpr std::size_t kMaxPaths = 1'000'000;

void collect(const PyRef& v, const std::string& path, TorchCheckpoint& out, int depth, CollectBudget& budget) {
  if (depth > 64) throw InputError(out.path, path, "objects nested too deeply", "The checkpoint is corrupt");
  if (++budget.paths > kMaxPaths)
    throw InputError(out.path, "", "the pickle refers to its objects more than a million times",
                     "The checkpoint is corrupt or not a state_dict");
  auto join = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  switch (v->kind) {
    case PyValue::Kind::Tensor:
      budget.tensorBytes += v->tensor.data.size();
      checkAllocation(out.path, path, budget.tensorBytes, 1, "the tensors of this checkpoint");
      if (out.tensors.emplace(path, v->tensor).second) out.tensorOrder.push_back(path);
      break;
    case PyValue::Kind::Dict:
      for (const auto& [k, x] : v->dict) {
        std::string key = k->kind == PyValue::Kind::String ? k->text : k->repr();
        collect(x, join(key), out, depth + 1, budget);
      }
      break;
    case PyValue::Kind::List:
    case PyValue::Kind::Tuple:
      for (std::size_t i = 0; i < v->items.size(); ++i) collect(v->items[i], join(std::to_string(i)), out, depth + 1, budget);
      break;
    case PyValue::Kind::None:
    case PyValue::Kind::Bool:
    case PyValue::Kind::Int:
    case PyValue::Kind::Float:
    case PyValue::Kind::String:
      out.scalars[path] = v;
      break;
    default: break;
  }
}

bool isTensorDict(const PyValue* v) {
  if (!v || !v->isDict() || v->dict.empty()) return false;
  std::size_t tensors = 0;
  for (const auto& [k, x] : v->dict) {
    if (k->kind != PyValue::Kind::String) return false;
    if (x->isTensor()) ++tensors;
  }
  return tensors > 0 && tensors == v->dict.size();
}

}  // namespace

bool looksLikeTorchZip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char sig[4] = {};
  return in.read(sig, 4) && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
}

TorchCheckpoint readTorchCheckpoint(const std::string& path) {
  ZipArchive zip(path);
  std::string prefix;
  const ZipEntry* pkl = nullptr;
  for (const auto& e : zip.entries()) {
    const std::string suffix = "data.pkl";
    if (e.name.size() >= suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        std::count(e.name.begin(), e.name.end(), '/') <= 1) {
      pkl = &e;
      prefix = e.name.substr(0, e.name.size() - suffix.size());
      break;
    }
  }
  if (!pkl)
    throw InputError(path, "", "the zip archive has no '<name>/data.pkl' entry, so it is not a torch.save file",
                     "Choose a checkpoint written by torch.save, or a .safetensors file");
  bool bigEndian = false;
  if (const ZipEntry* bo = zip.find(prefix + "byteorder")) {
    auto b = zip.read(*bo);
    const std::string order(b.begin(), b.end());
    if (order == "big") bigEndian = true;
    else if (order != "little")
      throw InputError(path, prefix + "byteorder", "unknown byte order '" + order + "'", "The checkpoint is corrupt");
  }
  std::map<std::string, std::shared_ptr<const std::vector<std::uint8_t>>> storages;
  PersistentLoader loader = [&](const PyRef& pid) -> PyRef {
    // ('storage', storage_type, key, location, numel)
    if (pid->kind != PyValue::Kind::Tuple || pid->items.size() < 5 || pid->items[0]->kind != PyValue::Kind::String ||
        pid->items[0]->text != "storage" || pid->items[1]->kind != PyValue::Kind::Global ||
        pid->items[2]->kind != PyValue::Kind::String)
      throw InputError(path, prefix + "data.pkl", "unsupported persistent id " + pid->repr(),
                       "Only tensor storages are supported");
    auto s = std::make_shared<PyValue>();
    s->kind = PyValue::Kind::Storage;
    const std::string& typeName = pid->items[1]->text;
    const std::string cls = typeName.substr(typeName.rfind('.') + 1);
    if (cls == "UntypedStorage") {
      s->storageUntyped = true;
      s->storageType = DType::U8;
    } else if (!torchStorageDType(cls, s->storageType)) {
      throw InputError(path, prefix + "data.pkl", "unsupported storage type '" + typeName + "'",
                       "Convert the tensor to float32, float16, int64 or bool before saving");
    }
    const std::string& key = pid->items[2]->text;
    auto it = storages.find(key);
    if (it == storages.end()) {
      const std::string entry = prefix + "data/" + key;
      const ZipEntry* e = zip.find(entry);
      if (!e)
        throw InputError(path, entry, "storage referenced by the pickle is missing from the archive",
                         "The checkpoint is truncated or corrupt");
      auto bytes = zip.read(*e);
      if (bigEndian) swapBytes(bytes, dtypeSize(s->storageType));
      it = storages.emplace(key, std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes))).first;
    }
    s->storageBytes = it->second;
    if (!s->storageUntyped && s->storageBytes->size() % dtypeSize(s->storageType) != 0)
      throw InputError(path, prefix + "data/" + key, "storage size is not a multiple of its element size",
                       "The checkpoint is corrupt");
    return s;
  };
  auto bytes = zip.read(*pkl);
  TorchCheckpoint out;
  out.path = path;
  out.root = unpickle(bytes, loader, path, pkl->name);
  CollectBudget budget;
  collect(out.root, "", out, 0, budget);
  return out;
}

RawTensor readTorchTensor(const std::string& path) {
  auto c = readTorchCheckpoint(path);
  if (!c.root->isTensor())
    throw InputError(path, "", std::string("expected a single tensor, found a ") + c.root->kindName(),
                     "Save the tensor itself: torch.save(mask, path)");
  return c.root->tensor;
}

std::vector<std::pair<std::string, RawTensor>> TorchCheckpoint::stateDict() const {
  const PyValue* sd = nullptr;
  if (isTensorDict(root.get())) {
    sd = root.get();
  } else {
    for (const char* key : {"model_state_dict", "state_dict", "model", "module", "net", "ema", "model_ema"})
      if (isTensorDict(root->get(key))) {
        sd = root->get(key);
        break;
      }
  }
  if (!sd) {
    std::vector<std::string> keys;
    if (root->isDict())
      for (const auto& [k, v] : root->dict) keys.push_back(k->repr() + ": " + v->kindName());
    throw InputError(path, "", "no state_dict found (a dict of name → tensor, at the top or under "
                               "'model_state_dict' / 'state_dict' / 'model')",
                     keys.empty() ? std::string("The file holds a ") + root->kindName()
                                  : "Top-level keys: " + listForMessage(keys));
  }
  std::vector<std::pair<std::string, RawTensor>> out;
  for (const auto& [k, v] : sd->dict) out.emplace_back(k->text, v->tensor);
  return out;
}

nlohmann::json toJson(const PyValue& v) {
  switch (v.kind) {
    case PyValue::Kind::None: return nullptr;
    case PyValue::Kind::Bool: return v.b;
    case PyValue::Kind::Int: return v.i;
    case PyValue::Kind::Float: return v.f;
    case PyValue::Kind::String: return v.text;
    case PyValue::Kind::Tuple:
    case PyValue::Kind::List: {
      auto a = nlohmann::json::array();
      for (const auto& x : v.items) a.push_back(toJson(*x));
      return a;
    }
    case PyValue::Kind::Dict: {
      auto o = nlohmann::json::object();
      for (const auto& [k, x] : v.dict) o[k->kind == PyValue::Kind::String ? k->text : k->repr()] = toJson(*x);
      return o;
    }
    default: return v.repr();
  }
}

}  // namespace scdfm
