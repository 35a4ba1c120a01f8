#include "core/io/CsvWriter.h"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

// Shortest round-trip text (std::to_chars without a precision).
template <class T>
std::string_view shortest(T value, std::array<char, 32>& buf) {
  auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return {buf.data(), static_cast<std::size_t>(r.ptr - buf.data())};
}

}  // namespace

std::string csvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

void CsvWriter::separate() {
  if (rowStarted_) out_ << ',';
  rowStarted_ = true;
}

CsvWriter& CsvWriter::field(std::string_view text) {
  separate();
  out_ << csvField(text);
  return *this;
}

CsvWriter& CsvWriter::number(double value) {
  separate();
  if (std::isfinite(value)) {
    std::array<char, 32> buf;
    out_ << shortest(value, buf);
  } else if (std::isinf(value)) {
    out_ << (value > 0 ? "inf" : "-inf");
  }  // NaN: empty
  return *this;
}

CsvWriter& CsvWriter::number(float value) {
  separate();
  if (std::isfinite(value)) {
    std::array<char, 32> buf;
    out_ << shortest(value, buf);
  } else if (std::isinf(value)) {
    out_ << (value > 0 ? "inf" : "-inf");
  }
  return *this;
}

CsvWriter& CsvWriter::number(std::int64_t value) {
  separate();
  out_ << value;
  return *this;
}

CsvWriter& CsvWriter::empty() {
  separate();
  return *this;
}

void CsvWriter::endRow() {
  out_ << '\n';
  rowStarted_ = false;
}

void writeCsvFile(const std::string& path, const std::function<void(CsvWriter& csv)>& write) {
  writeFileAtomically(path, [&](const std::string& tmp) {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f)
      throw InputError(path, "", "cannot create the file (the folder is missing or not writable)",
                       "Choose a folder you can write to");
    CsvWriter csv(f);
    write(csv);
    f.flush();
    if (!f) throw InputError(path, "", "writing the file failed", "Check that the disk is not full");
  });
}

void writeLabelledMatrixCsv(const std::string& path, const std::string& corner,
                            const std::vector<std::string>& rowNames, const std::vector<std::string>& colNames,
                            const std::vector<double>& values) {
  if (values.size() != rowNames.size() * colNames.size())
    throw InputError(path, "", std::to_string(values.size()) + " values for " + std::to_string(rowNames.size()) +
                                   " rows × " + std::to_string(colNames.size()) + " columns");
  writeCsvFile(path, [&](CsvWriter& csv) {
    csv.field(corner);
    for (const auto& c : colNames) csv.field(c);
    csv.endRow();
    for (std::size_t r = 0; r < rowNames.size(); ++r) {
      csv.field(rowNames[r]);
      for (std::size_t c = 0; c < colNames.size(); ++c) csv.number(values[r * colNames.size() + c]);
      csv.endRow();
    }
  });
}

}  // namespace scdfm
