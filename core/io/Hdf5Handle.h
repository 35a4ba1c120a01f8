#pragma once
// RAII owner of an HDF5 identifier (hid_t): closes it with the matching
// H5?close function when it goes out of scope, so error paths never leak
// open files, datasets or dataspaces. Internal to core/io.
#include <hdf5.h>

#include <utility>

namespace scdfm::h5 {

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), close_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: lets handles go straight into H5 calls
  bool valid() const { return id_ >= 0; }
  // Gives up ownership (for closing explicitly and checking the result).
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

inline Handle fileHandle(hid_t id) { return {id, H5Fclose}; }
inline Handle groupHandle(hid_t id) { return {id, H5Gclose}; }
inline Handle datasetHandle(hid_t id) { return {id, H5Dclose}; }
inline Handle spaceHandle(hid_t id) { return {id, H5Sclose}; }
inline Handle typeHandle(hid_t id) { return {id, H5Tclose}; }
inline Handle attrHandle(hid_t id) { return {id, H5Aclose}; }
inline Handle plistHandle(hid_t id) { return {id, H5Pclose}; }
inline Handle objectHandle(hid_t id) { return {id, H5Oclose}; }

}  // namespace scdfm::h5
