#pragma once
// Text from files (HDF5 strings, pickled Python str) must be valid UTF-8
// before it reaches messages, JSON or the GUI.
#include <string_view>

namespace scdfm {

// Well-formed UTF-8 (no truncated sequences, no overlong 2-byte forms).
bool isValidUtf8(std::string_view s);

}  // namespace scdfm
