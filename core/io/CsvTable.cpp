#include "core/io/CsvTable.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

namespace scdfm {

std::string csvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

void writeLabelledMatrixCsv(const std::string& path, const std::string& corner,
                            const std::vector<std::string>& rowNames, const std::vector<std::string>& colNames,
                            const std::vector<double>& values) {
  if (values.size() != rowNames.size() * colNames.size())
    throw InputError(path, "", fmt::format("{} values for {} rows × {} columns", values.size(), rowNames.size(),
                                           colNames.size()));
  writeFileAtomically(path, [&](const std::string& tmp) {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw InputError(path, "", "cannot create the file", "Check that the folder exists and is writable.");
    f << csvField(corner);
    for (const auto& c : colNames) f << ',' << csvField(c);
    f << '\n';
    for (std::size_t r = 0; r < rowNames.size(); ++r) {
      f << csvField(rowNames[r]);
      for (std::size_t c = 0; c < colNames.size(); ++c) {
        const double v = values[r * colNames.size() + c];
        f << ',';
        if (!std::isnan(v)) f << fmt::format("{:.9g}", v);
      }
      f << '\n';
    }
    f.flush();
    if (!f) throw InputError(path, "", "writing failed (disk full?)", "Free some space or choose another folder.");
  });
}

}  // namespace scdfm
