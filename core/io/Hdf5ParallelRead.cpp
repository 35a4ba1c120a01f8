#include "core/io/Hdf5ParallelRead.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "core/io/Hdf5GuardedDriver.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"
#include "core/util/Threads.h"

namespace scdfm::h5 {
namespace {

enum class Src { F32, F64, I8, I16, I32, I64, U8, U16, U32, U64 };

bool sourceType(hid_t type, Src* src, std::size_t* size) {
  H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return false;
  if (H5Tget_order(type) != H5T_ORDER_LE) return false;
  *size = H5Tget_size(type);
  if (cls == H5T_FLOAT) {
    // Only IEEE single/double (native on every platform we build for).
    if (H5Tequal(type, H5T_IEEE_F32LE) > 0) return *src = Src::F32, true;
    if (H5Tequal(type, H5T_IEEE_F64LE) > 0) return *src = Src::F64, true;
    return false;
  }
  const bool sign = H5Tget_sign(type) != H5T_SGN_NONE;
  switch (*size) {
    case 1: *src = sign ? Src::I8 : Src::U8; return true;
    case 2: *src = sign ? Src::I16 : Src::U16; return true;
    case 4: *src = sign ? Src::I32 : Src::U32; return true;
    case 8: *src = sign ? Src::I64 : Src::U64; return true;
    default: return false;
  }
}

template <typename S, typename D>
void convertAs(const unsigned char* in, D* out, std::size_t n) {
  if constexpr (std::is_same_v<S, D>) {
    std::memcpy(out, in, n * sizeof(S));
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      S v;
      std::memcpy(&v, in + i * sizeof(S), sizeof(S));
      out[i] = static_cast<D>(v);
    }
  }
}

template <typename D>
void convert(Src src, const unsigned char* in, D* out, std::size_t n) {
  switch (src) {
    case Src::F32: return convertAs<float>(in, out, n);
    case Src::F64: return convertAs<double>(in, out, n);
    case Src::I8: return convertAs<std::int8_t>(in, out, n);
    case Src::I16: return convertAs<std::int16_t>(in, out, n);
    case Src::I32: return convertAs<std::int32_t>(in, out, n);
    case Src::I64: return convertAs<std::int64_t>(in, out, n);
    case Src::U8: return convertAs<std::uint8_t>(in, out, n);
    case Src::U16: return convertAs<std::uint16_t>(in, out, n);
    case Src::U32: return convertAs<std::uint32_t>(in, out, n);
    case Src::U64: return convertAs<std::uint64_t>(in, out, n);
  }
}

struct Filter {
  H5Z_filter_t id;
  std::size_t shuffleSize = 0;
};

// One piece of work: raw bytes at `addr` covering elements [first, first+n)
// of the dataset (a whole chunk, or a slice of a contiguous dataset).
struct Piece {
  haddr_t addr = 0;
  hsize_t bytes = 0;
  hsize_t first = 0;   // dataset element where the piece starts
  hsize_t elems = 0;   // elements in the (decoded) piece
  unsigned mask = 0;   // filters skipped for this chunk
};

bool preadAll(int fd, unsigned char* buf, std::size_t n, off_t off) {
  while (n > 0) {
    ssize_t r = ::pread(fd, buf, n, off);
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<std::size_t>(r);
    off += r;
  }
  return true;
}

void unshuffle(const unsigned char* in, unsigned char* out, std::size_t bytes, std::size_t esize) {
  const std::size_t n = bytes / esize;
  for (std::size_t b = 0; b < esize; ++b) {
    const unsigned char* plane = in + b * n;
    for (std::size_t i = 0; i < n; ++i) out[i * esize + b] = plane[i];
  }
  // Bytes past the last whole element are stored as-is.
  std::memcpy(out + n * esize, in + n * esize, bytes - n * esize);
}

}  // namespace

void adviseHugePages(void* p, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
  if (bytes < 4 * kHuge) return;
  auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

bool readRangeParallel(const Ref& at, hid_t ds, Target target, hsize_t start, hsize_t count, void* out) {
  if (count == 0) return true;
  Handle type = typeHandle(H5Dget_type(ds));
  Src src;
  std::size_t esize = 0;
  if (!type.valid() || !sourceType(type, &src, &esize)) return false;
  Handle space = spaceHandle(H5Dget_space(ds));
  if (H5Sget_simple_extent_ndims(space) != 1) return false;
  hsize_t extent = 0;
  H5Sget_simple_extent_dims(space, &extent, nullptr);
  if (start + count > extent) return false;
  // Chunk addresses are relative to the HDF5 base address: require none.
  {
    hid_t fid = H5Iget_file_id(ds);
    Handle file = fileHandle(fid);
    Handle fcpl = plistHandle(H5Fget_create_plist(file));
    hsize_t userblock = 1;
    if (!fcpl.valid() || H5Pget_userblock(fcpl, &userblock) < 0 || userblock != 0) return false;
    Handle fapl = plistHandle(H5Fget_access_plist(file));
    if (!fapl.valid() || (H5Pget_driver(fapl) != H5FD_SEC2 && H5Pget_driver(fapl) != guardedDriverId())) return false;
  }
  Handle dcpl = plistHandle(H5Dget_create_plist(ds));
  const H5D_layout_t layout = H5Pget_layout(dcpl);
  std::vector<Filter> filters;
  std::vector<Piece> pieces;
  const hsize_t end = start + count;
  if (layout == H5D_CONTIGUOUS) {
    if (H5Pget_nfilters(dcpl) != 0) return false;
    haddr_t addr = H5Dget_offset(ds);
    if (addr == HADDR_UNDEF) return false;
    const hsize_t step = hsize_t(4) << 20;  // elements per piece
    for (hsize_t e = start; e < end; e += step) {
      Piece p;
      p.first = e;
      p.elems = std::min(step, end - e);
      p.addr = addr + e * esize;
      p.bytes = p.elems * esize;
      pieces.push_back(p);
    }
  } else if (layout == H5D_CHUNKED) {
    int nf = H5Pget_nfilters(dcpl);
    for (int i = 0; i < nf; ++i) {
      unsigned flags = 0, cd[8] = {0}, config = 0;
      std::size_t ncd = 8;
      H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &ncd, cd, 0, nullptr, &config);
      if (id != H5Z_FILTER_DEFLATE && id != H5Z_FILTER_SHUFFLE && id != H5Z_FILTER_FLETCHER32) return false;
      Filter f{id};
      if (id == H5Z_FILTER_SHUFFLE) f.shuffleSize = ncd > 0 && cd[0] > 0 ? cd[0] : esize;
      filters.push_back(f);
    }
    hsize_t chunk = 0;
    if (H5Pget_chunk(dcpl, 1, &chunk) != 1 || chunk == 0) return false;
    // Tiny chunks would make a piece list larger than the data: HDF5's own reader copes.
    if (count / chunk > (hsize_t(1) << 20)) return false;
    // A decoded chunk is held whole (per thread); its size comes from the file.
    checkAllocation(at.file, at.path, chunk, esize * 2, "decoding one chunk of this dataset");
    for (hsize_t k = start / chunk; k * chunk < end; ++k) {
      Piece p;
      hsize_t offset = k * chunk;
      hsize_t size = 0;
      if (H5Dget_chunk_info_by_coord(ds, &offset, &p.mask, &p.addr, &size) < 0 || p.addr == HADDR_UNDEF) {
        H5Eclear2(H5E_DEFAULT);
        return false;  // unallocated (fill-value) chunk: let HDF5 handle it
      }
      if (size > chunk * esize + chunk * esize / 256 + 1024)  // deflate grows incompressible data only slightly
        fail(at.file, at.path,
             "a chunk claims " + std::to_string(size) + " stored bytes for " + std::to_string(chunk * esize) +
                 " bytes of data",
             "The file is damaged; re-export it from Python (adata.write_h5ad)");
      p.bytes = size;
      p.first = offset;
      p.elems = chunk;  // decoded chunks are always whole
      pieces.push_back(p);
    }
  } else {
    return false;
  }

  int fd = ::open(at.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::atomic<std::size_t> next{0};
  std::mutex errMutex;
  std::string error;
  auto worker = [&] {
    std::vector<unsigned char> raw, tmp;
    for (std::size_t i = next++; i < pieces.size(); i = next++) {
      const Piece& p = pieces[i];
      // Unfiltered piece, wholly inside the range, already in the target
      // type: read it straight into the destination (no staging copy).
      const bool sameType = (target == Target::Float32 && src == Src::F32) || (target == Target::Int64 && src == Src::I64);
      if (sameType && filters.empty() && p.first >= start && p.first + p.elems <= end && p.bytes == p.elems * esize) {
        auto* dst = static_cast<unsigned char*>(out) + (p.first - start) * esize;
        if (!preadAll(fd, dst, p.bytes, static_cast<off_t>(p.addr))) {
          std::lock_guard<std::mutex> lock(errMutex);
          if (error.empty()) error = "the file ends before this dataset's data (truncated file)";
          return;
        }
        continue;
      }
      raw.resize(p.bytes);
      auto failWith = [&](const std::string& what) {
        std::lock_guard<std::mutex> lock(errMutex);
        if (error.empty()) error = what + " (elements from " + std::to_string(p.first) + ")";
      };
      if (!preadAll(fd, raw.data(), p.bytes, static_cast<off_t>(p.addr))) {
        failWith("the file ends before this dataset's data (truncated file)");
        return;
      }
      std::size_t len = p.bytes;
      for (std::size_t f = filters.size(); f-- > 0;) {
        if (p.mask & (1u << f)) continue;
        if (filters[f].id == H5Z_FILTER_FLETCHER32) {
          if (len < 4) return failWith("a chunk is too short for its checksum");
          len -= 4;
        } else if (filters[f].id == H5Z_FILTER_DEFLATE) {
          tmp.resize(p.elems * esize);
          uLongf outLen = tmp.size();
          if (::uncompress(tmp.data(), &outLen, raw.data(), len) != Z_OK)
            return failWith("a gzip-compressed chunk cannot be decompressed (damaged data)");
          len = outLen;
          raw.swap(tmp);
        } else {  // shuffle
          tmp.resize(len);
          unshuffle(raw.data(), tmp.data(), len, filters[f].shuffleSize);
          raw.swap(tmp);
        }
      }
      const hsize_t from = std::max(p.first, start), to = std::min(p.first + p.elems, end);
      if ((to - p.first) * esize > len) return failWith("a chunk is shorter than its declared size (damaged data)");
      const unsigned char* in = raw.data() + (from - p.first) * esize;
      const std::size_t n = to - from;
      if (target == Target::Float32)
        convert(src, in, static_cast<float*>(out) + (from - start), n);
      else
        convert(src, in, static_cast<std::int64_t*>(out) + (from - start), n);
    }
  };
  const std::size_t nThreads = std::min<std::size_t>(static_cast<std::size_t>(std::max(threadCount(), 1)), pieces.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < nThreads; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  ::close(fd);
  if (!error.empty())
    fail(at.file, at.path, error, "The file may be truncated or damaged; re-export it from Python (adata.write_h5ad)");
  return true;
}

void readRangeFast(const Ref& at, hid_t ds, Target target, hsize_t start, hsize_t count, void* out) {
  if (readRangeParallel(at, ds, target, start, count, out)) return;
  readRange(at, ds, target == Target::Float32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT64, start, count, out);
}

}  // namespace scdfm::h5
