#pragma once
// Atomic file replacement: write to "<path>.tmp-<pid>", fsync, rename over the
// target. A crash mid-write leaves the previous file intact; the temporary a
// killed process left behind is removed by the next write of the same path.
#include <functional>
#include <string>

namespace scdfm {

// Calls write(tmpPath) and then renames tmpPath to path. If write throws, the
// temporary is removed and the exception propagates; `path` is untouched.
void writeFileAtomically(const std::string& path, const std::function<void(const std::string& tmpPath)>& write);

}  // namespace scdfm
