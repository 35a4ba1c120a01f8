#pragma once
// Reads files written by PyTorch's `torch.save` (the zip format of torch
// ≥ 1.6) without Python or LibTorch: `<name>/data.pkl` (a pickle whose
// persistent ids name storages), `<name>/data/<key>` (raw storages, stored
// uncompressed), `<name>/byteorder`. Handles state_dicts (OrderedDict),
// nested checkpoints ({'model_state_dict': ..., 'optimizer_state_dict': ...,
// 'iteration': 3}), bare tensors (the authors' graph-mask .pt), and views
// (offset / non-contiguous strides are materialised as contiguous tensors).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/io/PickleReader.h"
#include "core/io/Safetensors.h"

namespace scdfm {

struct TorchCheckpoint {
  std::string path;
  PyRef root;  // the unpickled object
  // Every tensor reachable from the root, by dotted path ("model_state_dict.encoder.embedding.weight",
  // "optimizer_state_dict.state.0.exp_avg"; a bare tensor file has the single name "").
  std::map<std::string, RawTensor> tensors;
  std::vector<std::string> tensorOrder;  // the same names in file order
  // Every plain value (int, float, bool, str, None) by dotted path, e.g. "iteration" → 3.
  std::map<std::string, PyRef> scalars;

  // The state_dict in the file: the root when it maps names to tensors, else
  // the first of model_state_dict / state_dict / model / module / net / ema that
  // does. Names are returned in file order. Throws InputError listing the
  // top-level keys when none is found.
  std::vector<std::pair<std::string, RawTensor>> stateDict() const;
};

// Reads a torch.save file. Throws InputError (naming the file and the zip
// entry, pickle opcode or Python global) on anything malformed or unsupported.
TorchCheckpoint readTorchCheckpoint(const std::string& path);

// Reads a file whose root object is one tensor (e.g. `torch.save(mask_bool, path)`).
RawTensor readTorchTensor(const std::string& path);

// True when the file starts like a zip archive (torch.save ≥ 1.6 format).
bool looksLikeTorchZip(const std::string& path);

// A plain value as JSON (None → null; tuples/lists → arrays; dicts with string keys → objects).
nlohmann::json toJson(const PyValue& v);

}  // namespace scdfm
