#pragma once
// The one CSV writer of core (RFC 4180): fields are quoted only when they hold
// a comma, a quote or a line break; numbers use the shortest text that reads
// back to the same float/double; NaN becomes an empty field (pandas reads it
// back as NaN). Files are written atomically, so a failed export never leaves
// a partial file behind.
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace scdfm {

class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  CsvWriter& field(std::string_view text);
  CsvWriter& number(double value);
  CsvWriter& number(float value);
  CsvWriter& number(std::int64_t value);
  CsvWriter& empty();  // a missing value
  void endRow();

 private:
  void separate();
  std::ostream& out_;
  bool rowStarted_ = false;
};

// `text` quoted for a CSV field when needed ("a,b" → "\"a,b\"", quotes doubled).
std::string csvField(std::string_view text);

// Writes `path` atomically through write(csv). Errors (folder missing or not
// writable, disk full) are InputErrors naming `path` and saying what to do;
// nothing is left at `path` (nor a temporary) when they happen.
void writeCsvFile(const std::string& path, const std::function<void(CsvWriter& csv)>& write);

// A labelled matrix, as spreadsheets and pandas.read_csv(index_col=0) read it:
// corner,col1,col2,...  then  rowName,v,v,...  per row; values row-major
// (rows × cols), NaN as an empty field. InputError naming the file when the
// sizes disagree or it cannot be written.
void writeLabelledMatrixCsv(const std::string& path, const std::string& corner,
                            const std::vector<std::string>& rowNames, const std::vector<std::string>& colNames,
                            const std::vector<double>& values);

}  // namespace scdfm
