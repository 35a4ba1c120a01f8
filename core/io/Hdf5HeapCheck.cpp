#include "core/io/Hdf5HeapCheck.h"

#include <cstring>
#include <fstream>
#include <map>
#include <vector>

#include "core/io/Hdf5GuardedDriver.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

namespace scdfm::h5 {
namespace {

constexpr const char* kHint = "The file may be truncated or damaged; re-export it from Python (adata.write_h5ad)";
constexpr std::size_t kElem = 4 + 8 + 4;  // on disk: length, collection address, object index

std::uint64_t le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

// Reads of the file itself, beside HDF5's.
class FileBytes {
 public:
  explicit FileBytes(const std::string& path) : in_(path, std::ios::binary) {}
  bool read(std::uint64_t offset, std::vector<unsigned char>& out) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset));
    return static_cast<bool>(in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size())));
  }

 private:
  std::ifstream in_;
};

// True when addresses and lengths are 8 bytes, the layout parsed here.
bool eightByteSizes(hid_t obj) {
  Handle file = fileHandle(H5Iget_file_id(obj));
  Handle fcpl = plistHandle(H5Fget_create_plist(file));
  std::size_t sizeofAddr = 0, sizeofSize = 0;
  const bool ok = fcpl.valid() && H5Pget_sizes(fcpl, &sizeofAddr, &sizeofSize) >= 0;
  H5Eclear2(H5E_DEFAULT);
  return ok && sizeofAddr == 8 && sizeofSize == 8;
}

// Checks references one by one, loading each collection once.
class References {
 public:
  References(const Ref& at, std::string where, FileBytes& file) : at_(at), where_(std::move(where)), file_(file) {}

  // `e`: one stored element (length, collection address, object index);
  // `elementSize`: bytes per item of the sequence (1 for plain strings).
  void check(const unsigned char* e, std::uint64_t i, std::uint64_t elementSize = 1) {
    const std::uint64_t addr = le(e + 4, 8), index = le(e + 12, 4);
    if (addr == 0) return;  // a null element
    auto it = collections_.find(addr);
    if (it == collections_.end()) it = collections_.emplace(addr, load(addr, i)).first;
    if (index == 0 || index >= it->second.size() || it->second[index] < 0)
      throw InputError(at_.file, where_,
                       "element " + std::to_string(i) + " refers to string " + std::to_string(index) +
                           " of the storage at byte " + std::to_string(addr) + ", which does not exist",
                       kHint);
    // HDF5 allocates length x item size before it reads the object: a damaged
    // item size asked for 19.9 GB (found by fuzzing).
    const std::uint64_t length = le(e, 4), stored = static_cast<std::uint64_t>(it->second[index]);
    if (elementSize == 0 || length > stored / elementSize)
      throw InputError(at_.file, where_,
                       "element " + std::to_string(i) + " claims " + std::to_string(length) + " items of " +
                           std::to_string(elementSize) + " bytes, but string " + std::to_string(index) +
                           " of the storage at byte " + std::to_string(addr) + " holds " + std::to_string(stored) +
                           " bytes",
                       kHint);
  }

 private:
  std::vector<std::int64_t> load(std::uint64_t addr, std::uint64_t i) {
    std::vector<unsigned char> head(16), heap;
    std::vector<std::int64_t> sizes;
    std::size_t bad = 0;
    const std::uint64_t size = file_.read(addr, head) && std::memcmp(head.data(), "GCOL", 4) == 0 ? le(head.data() + 8, 8) : 0;
    if (size >= 16) heap.resize(checkAllocation(at_.file, where_, size, 1, "reading string storage"));
    if (heap.empty() || !file_.read(addr, heap) || !globalHeapObjects(heap.data(), heap.size(), &sizes, &bad))
      throw InputError(at_.file, where_,
                       "element " + std::to_string(i) + " refers to string storage at byte " + std::to_string(addr) +
                           " that is missing or damaged",
                       kHint);
    return sizes;
  }

  const Ref& at_;
  std::string where_;
  FileBytes& file_;
  std::map<std::uint64_t, std::vector<std::int64_t>> collections_;  // object sizes by index
};

// Elements in a dataspace message (versions 1 and 2); false when unreadable.
bool dataspaceElements(const unsigned char* p, std::size_t n, std::uint64_t* elements) {
  if (n < 8) return false;
  const unsigned version = p[0], rank = p[1];
  std::size_t dims = 0;
  if (version == 1) {
    dims = 8;
  } else if (version == 2) {
    if (p[3] == 2) return *elements = 0, true;  // null dataspace
    if (p[3] == 0) return *elements = 1, true;  // scalar
    dims = 4;
  } else {
    return false;
  }
  if (rank == 0) return *elements = 1, true;
  if (dims + 8 * rank > n) return false;
  std::uint64_t count = 1;
  for (unsigned d = 0; d < rank; ++d) {
    const std::uint64_t v = le(p + dims + 8 * d, 8);
    if (v != 0 && count > (std::uint64_t(1) << 40) / v) return false;
    count *= v;
  }
  *elements = count;
  return true;
}

// One attribute message: checks its references when it is `name` and holds
// variable-length data.
void checkAttributeMessage(const unsigned char* m, std::size_t n, const char* name, const Ref& at, FileBytes& file) {
  if (n < 9) return;
  const unsigned version = m[0];
  if (version < 1 || version > 3 || (version > 1 && (m[1] & 3))) return;  // shared type or space: not parsed
  const std::size_t nameSize = le(m + 2, 2), typeSize = le(m + 4, 2), spaceSize = le(m + 6, 2);
  auto padded = [&](std::size_t s) { return version == 1 ? (s + 7) & ~std::size_t{7} : s; };
  const std::size_t nameAt = version == 3 ? 9 : 8, typeAt = nameAt + padded(nameSize), spaceAt = typeAt + padded(typeSize),
                    dataAt = spaceAt + padded(spaceSize);
  if (dataAt > n || typeSize < 8) return;
  if (std::string(reinterpret_cast<const char*>(m + nameAt), strnlen(reinterpret_cast<const char*>(m + nameAt), nameSize)) != name)
    return;
  if ((m[typeAt] & 0x0F) != H5T_VLEN) return;
  // A variable-length type message: 8-byte header, then its base type's
  // message, whose size field (bytes per item) is at its byte 4.
  if (typeSize < 16) return;
  const std::uint64_t itemSize = le(m + typeAt + 8 + 4, 4);
  std::uint64_t elements = 0;
  if (!dataspaceElements(m + spaceAt, spaceSize, &elements) || elements > (n - dataAt) / kElem) return;
  References refs(at, at.path + " (attribute '" + name + "')", file);
  for (std::uint64_t i = 0; i < elements; ++i) refs.check(m + dataAt + i * kElem, i, itemSize);
}

}  // namespace

void checkDatasetHeapReferences(const Ref& at, hid_t ds, hsize_t n) {
  Handle dcpl = plistHandle(H5Dget_create_plist(ds));
  if (n == 0 || !dcpl.valid() || H5Pget_layout(dcpl) != H5D_CONTIGUOUS || !eightByteSizes(ds)) return;
  const haddr_t base = H5Dget_offset(ds);
  if (base == HADDR_UNDEF) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  // Bytes per item of each stored sequence, from the type's base (1 for the
  // characters of a string): libhdf5 allocates length x item size while it
  // converts, and a damaged base size made it ask for 10 GB (found by fuzzing).
  std::uint64_t itemSize = 1;
  {
    Handle type = typeHandle(H5Dget_type(ds));
    Handle item = typeHandle(type.valid() ? H5Tget_super(type) : H5I_INVALID_HID);
    if (item.valid()) itemSize = H5Tget_size(item);
    H5Eclear2(H5E_DEFAULT);
  }
  FileBytes file(at.file);
  std::vector<unsigned char> refs(checkAllocation(at.file, at.path, n, kElem, "checking these strings"));
  if (!file.read(base, refs)) return;  // HDF5 reports the short read itself
  References check(at, at.path, file);
  for (hsize_t i = 0; i < n; ++i) check.check(refs.data() + i * kElem, i, itemSize);
}

void checkAttributeHeapReferences(const Ref& at, hid_t obj, const char* name) {
  H5O_info_t info{};
  if (H5Oget_info2(obj, &info, H5O_INFO_BASIC | H5O_INFO_HDR) < 0 || info.hdr.version != 1 || !eightByteSizes(obj)) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  // Version 1 header: 16-byte prefix (its first chunk's length at byte 8), then
  // messages of 8-byte headers (type, size, flags); continuation messages
  // (type 0x10: address, length) name further chunks.
  FileBytes file(at.file);
  std::vector<unsigned char> prefix(16);
  if (!file.read(info.addr, prefix) || prefix[0] != 1) return;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> chunks{{info.addr + 16, le(prefix.data() + 8, 4)}};
  for (int visited = 0; !chunks.empty() && visited < 64; ++visited) {
    const auto [offset, length] = chunks.back();
    chunks.pop_back();
    if (length > (std::uint64_t(1) << 24)) return;  // larger than any real header: left to HDF5
    std::vector<unsigned char> chunk(length);
    if (!file.read(offset, chunk)) return;
    for (std::size_t pos = 0; pos + 8 <= chunk.size();) {
      const unsigned type = static_cast<unsigned>(le(&chunk[pos], 2));
      const std::size_t size = le(&chunk[pos + 2], 2);
      if (size > chunk.size() - pos - 8) break;
      const unsigned char* m = &chunk[pos + 8];
      if (type == 0x10 && size >= 16) chunks.emplace_back(le(m, 8), le(m + 8, 8));
      if (type == 0x0C) checkAttributeMessage(m, size, name, at, file);
      pos += 8 + size;
    }
  }
}

}  // namespace scdfm::h5
