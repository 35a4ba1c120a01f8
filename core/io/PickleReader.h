#pragma once
// A small, safe unpickler for the subset of Python's pickle format that
// `torch.save` writes (protocol 2; the protocol 3/4 opcodes are accepted too).
// It never executes code: globals are resolved against a fixed allow-list
// (collections.OrderedDict, torch's tensor/parameter rebuild functions,
// torch.*Storage types, torch dtypes, _codecs.encode). Anything else is an
// InputError that names the file and the opcode or global.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/io/Safetensors.h"

namespace scdfm {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

// One Python object as far as a checkpoint needs: scalars, containers,
// tensors, and the few torch objects that appear while rebuilding tensors.
struct PyValue {
  enum class Kind {
    None, Bool, Int, Float, String, Bytes, Tuple, List, Dict,
    Tensor,   // a materialised, contiguous tensor
    Storage,  // a storage from a persistent id (bytes + element type)
    Global,   // a resolved, allowed global (name in `text`)
  };
  Kind kind = Kind::None;
  bool b = false;
  std::int64_t i = 0;
  double f = 0.0;
  std::string text;                          // String, Bytes, Global name ("module.qualname")
  std::vector<PyRef> items;                  // Tuple, List
  std::vector<std::pair<PyRef, PyRef>> dict; // Dict, in insertion order
  RawTensor tensor;                          // Tensor
  // Storage: element type, and the bytes (shared between views of one storage).
  DType storageType = DType::U8;
  bool storageUntyped = false;               // torch.storage.UntypedStorage: dtype comes later
  std::shared_ptr<const std::vector<std::uint8_t>> storageBytes;

  static PyRef none();
  static PyRef boolean(bool v);
  static PyRef integer(std::int64_t v);
  static PyRef real(double v);
  static PyRef string(std::string s);

  bool isDict() const { return kind == Kind::Dict; }
  bool isTensor() const { return kind == Kind::Tensor; }
  // Dict lookup by string key (nullptr when absent or not a dict).
  const PyValue* get(const std::string& key) const;
  const char* kindName() const;
  // Short Python-like text for messages and scalars ("3", "'abc'", "None", "dict(4)").
  std::string repr() const;
};

// Resolves a persistent id (torch: ('storage', type, key, location, numel))
// to a Storage value.
using PersistentLoader = std::function<PyRef(const PyRef& pid)>;

// Unpickles `bytes`. `file` and `entry` only label error messages.
PyRef unpickle(const std::vector<std::uint8_t>& bytes, const PersistentLoader& persistentLoad,
               const std::string& file, const std::string& entry = "data.pkl");

// torch storage class name ("FloatStorage") → element type; false when unknown.
bool torchStorageDType(const std::string& className, DType& out);
// torch dtype name ("float32", "int64", "bool") → element type; false when unknown.
bool torchDTypeByName(const std::string& name, DType& out);

}  // namespace scdfm
