#include "core/io/Hdf5GuardedDriver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>

namespace scdfm::h5 {
namespace {

struct GuardedFile {
  H5FD_t pub;  // first: HDF5 sees only this part
  int fd = -1;
  haddr_t eoa = 0, eof = 0;
  dev_t device = 0;
  ino_t inode = 0;
  // The last local heap prefix read: its data block may come in a read of its own.
  haddr_t heapData = HADDR_UNDEF;
  std::uint64_t heapDataSize = 0, heapFreeHead = 0;
};

GuardedFile* self(const H5FD_t* f) { return reinterpret_cast<GuardedFile*>(const_cast<H5FD_t*>(f)); }

std::uint64_t le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

// For a whole collection read as raw data (HDF5 maps global heap reads to
// that type): the offset of an entry that would make HDF5 loop or jump
// outside, or 0.
std::size_t damagedEntry(const unsigned char* p, std::size_t n) {
  if (n < 4096 || std::memcmp(p, "GCOL", 4) != 0 || p[4] != 1 || le(p + 8, 8) != n) return 0;
  std::size_t bad = 0;
  globalHeapObjects(p, n, nullptr, &bad);
  return bad;
}

// A local heap's free list (in its data block) whose entries form a cycle: HDF5
// 1.10 follows it for ever, allocating an entry per step (H5HL__fl_deserialize).
// Free blocks are at least 16 bytes and do not overlap, so a walk longer than
// size/16 entries has come back on itself. 1 is HDF5's "no free block".
bool localHeapFreeListLoops(const unsigned char* data, std::uint64_t size, std::uint64_t head) {
  std::uint64_t at = head, steps = 0;
  while (at != 1) {
    if (at > size || size - at < 16) return false;  // out of the block: HDF5 reports that itself
    if (++steps > size / 16 + 1) return true;
    at = le(data + at, 8);
  }
  return false;
}

H5FD_t* openFile(const char* name, unsigned flags, hid_t, haddr_t maxaddr) {
  if (flags & (H5F_ACC_RDWR | H5F_ACC_TRUNC | H5F_ACC_CREAT)) return nullptr;  // readers only
  const int fd = ::open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return nullptr;
  }
  auto* f = new (std::nothrow) GuardedFile();
  if (!f) {
    ::close(fd);
    return nullptr;
  }
  f->fd = fd;
  f->eof = static_cast<haddr_t>(st.st_size);
  f->device = st.st_dev;
  f->inode = st.st_ino;
  f->pub.maxaddr = maxaddr;
  return &f->pub;
}

herr_t closeFile(H5FD_t* file) {
  GuardedFile* f = self(file);
  const int r = ::close(f->fd);
  delete f;
  return r == 0 ? 0 : -1;
}

int compare(const H5FD_t* a, const H5FD_t* b) {
  const GuardedFile *x = self(a), *y = self(b);
  if (x->device != y->device) return x->device < y->device ? -1 : 1;
  if (x->inode != y->inode) return x->inode < y->inode ? -1 : 1;
  return 0;
}

// No H5FD_FEAT_ACCUMULATE_METADATA: libhdf5's metadata accumulator copied from a
// null buffer after a damaged size (found by fuzzing); reads come here directly.
herr_t query(const H5FD_t*, unsigned long* flags) {
  *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_DATA_SIEVE |
           H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_POSIX_COMPAT_HANDLE;
  return 0;
}

haddr_t getEoa(const H5FD_t* f, H5FD_mem_t) { return self(f)->eoa; }
herr_t setEoa(H5FD_t* f, H5FD_mem_t, haddr_t addr) {
  self(f)->eoa = addr;
  return 0;
}
haddr_t getEof(const H5FD_t* f, H5FD_mem_t) { return self(f)->eof; }
herr_t getHandle(H5FD_t* f, hid_t, void** handle) {
  *handle = &self(f)->fd;
  return 0;
}

herr_t readBytes(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buffer) {
  GuardedFile* f = self(file);
  if (addr == HADDR_UNDEF || addr > f->eoa || size > f->eoa - addr) return -1;
  // A read far past the end of the file comes from a damaged size (a heap or a
  // B-tree node claiming gigabytes): refuse it rather than fill gigabytes of zeros.
  // Near the end, zeros as with sec2 (libhdf5 reads a little ahead of small files).
  constexpr haddr_t kPastEndSlack = haddr_t{1} << 20;
  if (addr + size > f->eof + kPastEndSlack) {
    H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_READERROR,
             "%llu bytes at byte %llu lie past the end of the file (%llu bytes)", static_cast<unsigned long long>(size),
             static_cast<unsigned long long>(addr), static_cast<unsigned long long>(f->eof));
    return -1;
  }
  auto* out = static_cast<unsigned char*>(buffer);
  std::size_t done = 0;
  while (done < size) {  // bytes past the end of the file read as zeros, as with sec2
    const ssize_t r = ::pread(f->fd, out + done, size - done, static_cast<off_t>(addr + done));
    if (r < 0) return -1;
    if (r == 0) {
      std::memset(out + done, 0, size - done);
      break;
    }
    done += static_cast<std::size_t>(r);
  }
  // Local heaps (group member names): the prefix "HEAP", version 0, data block
  // size, free-list head, data block address (8-byte lengths and addresses).
  constexpr std::size_t kHeapPrefix = 32;
  const unsigned char* heapData = nullptr;
  if (size >= kHeapPrefix && std::memcmp(out, "HEAP", 4) == 0 && out[4] == 0) {
    f->heapDataSize = le(out + 8, 8);
    f->heapFreeHead = le(out + 16, 8);
    f->heapData = le(out + 24, 8);
    if (f->heapData == addr + kHeapPrefix && size - kHeapPrefix >= f->heapDataSize) heapData = out + kHeapPrefix;
  } else if (addr == f->heapData && size >= f->heapDataSize) {
    heapData = out;
  }
  if (heapData && localHeapFreeListLoops(heapData, f->heapDataSize, f->heapFreeHead)) {
    H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_READERROR,
             "the free list of the name storage (local heap) at byte %llu loops", static_cast<unsigned long long>(addr));
    return -1;
  }
  if (const std::size_t at = damagedEntry(out, size)) {
    H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_READERROR,
             "the string storage (global heap collection) at byte %llu is damaged at byte %llu",
             static_cast<unsigned long long>(addr), static_cast<unsigned long long>(addr + at));
    return -1;
  }
  return 0;
}

herr_t refuseWrite(H5FD_t*, H5FD_mem_t, hid_t, haddr_t, size_t, const void*) { return -1; }
herr_t nothing(H5FD_t*, hid_t, hbool_t) { return 0; }
herr_t noLock(H5FD_t*, hbool_t) { return 0; }
herr_t noUnlock(H5FD_t*) { return 0; }

H5FD_class_t makeClass() {
  H5FD_class_t c{};
  c.name = "scdfm-guarded";
  c.maxaddr = static_cast<haddr_t>(INT64_MAX);
  c.fc_degree = H5F_CLOSE_WEAK;
  c.open = openFile;
  c.close = closeFile;
  c.cmp = compare;
  c.query = query;
  c.get_eoa = getEoa;
  c.set_eoa = setEoa;
  c.get_eof = getEof;
  c.get_handle = getHandle;
  c.read = readBytes;
  c.write = refuseWrite;
  c.truncate = nothing;
  c.lock = noLock;
  c.unlock = noUnlock;
  const H5FD_mem_t map[] = H5FD_FLMAP_DICHOTOMY;
  std::memcpy(c.fl_map, map, sizeof map);
  return c;
}

}  // namespace

bool globalHeapObjects(const unsigned char* p, std::size_t n, std::vector<std::int64_t>* objectSizes, std::size_t* badAt) {
  // The walk of HDF5 1.10's H5HG__cache_heap_deserialize (8-byte lengths, as h5py and anndata write).
  constexpr std::size_t kHeader = 16, kObjectHeader = 16;
  std::size_t pos = kHeader;
  while (pos < n) {
    if (n - pos < kObjectHeader) break;  // a tail too small for an entry is free space
    const std::uint64_t index = le(p + pos, 2), size = le(p + pos + 8, 8);
    const std::uint64_t need = index == 0 ? size : kObjectHeader + ((size + 7) & ~std::uint64_t{7});
    if (need == 0 || size > n || need > n - pos) {
      if (badAt) *badAt = pos;
      return false;
    }
    if (objectSizes && index > 0) {
      if (objectSizes->size() <= index) objectSizes->resize(index + 1, -1);
      (*objectSizes)[index] = static_cast<std::int64_t>(size);  // size <= n: fits
    }
    pos += need;
  }
  return true;
}

hid_t guardedDriverId() {
  static const H5FD_class_t cls = makeClass();
  static hid_t id = -1;
  static std::once_flag once;
  std::call_once(once, [] { id = H5FDregister(&cls); });
  return id;
}

hid_t guardedFileAccess() {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_driver(fapl, guardedDriverId(), nullptr) < 0) {
    H5Pclose(fapl);
    return -1;
  }
  return fapl;
}

}  // namespace scdfm::h5
