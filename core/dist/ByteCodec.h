#pragma once
// Plain little binary messages for the rendezvous store: numbers, strings and
// arrays appended in order and read back in the same order (same machine
// kind on every rank: native byte order).
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/util/Error.h"

namespace scdfm {

class ByteWriter {
 public:
  template <class T>
  ByteWriter& value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  template <class T>
  ByteWriter& array(const T* data, std::size_t n) {
    value<std::uint64_t>(n);
    bytes_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
    return *this;
  }
  template <class T>
  ByteWriter& vector(const std::vector<T>& v) { return array(v.data(), v.size()); }
  ByteWriter& text(const std::string& s) { return array(s.data(), s.size()); }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  template <class T>
  T value() {
    T v;
    copy(&v, sizeof v);
    return v;
  }
  template <class T>
  std::vector<T> vector() {
    std::vector<T> v(static_cast<std::size_t>(value<std::uint64_t>()));
    copy(v.data(), v.size() * sizeof(T));
    return v;
  }
  std::string text() {
    std::string s(static_cast<std::size_t>(value<std::uint64_t>()), '\0');
    copy(s.data(), s.size());
    return s;
  }

 private:
  void copy(void* to, std::size_t n) {
    if (at_ + n > bytes_.size()) throw InternalError("a message from another rank is shorter than expected");
    if (n) std::memcpy(to, bytes_.data() + at_, n);
    at_ += n;
  }
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace scdfm
