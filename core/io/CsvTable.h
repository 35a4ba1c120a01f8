#pragma once
// Writing small CSV tables (RFC 4180 quoting) for exports: a labelled matrix
// with row and column names, as spreadsheets and pandas.read_csv(index_col=0)
// read it back.
#include <string>
#include <string_view>
#include <vector>

namespace scdfm {

// The field quoted when it contains a comma, quote, CR or LF ("" doubles quotes).
std::string csvField(std::string_view text);

// corner,col1,col2,...  then  rowName,v,v,...  per row; values row-major
// (rows × cols), NaN written as an empty field, 9 significant digits.
// Written atomically; InputError naming the file when it cannot be written
// or the sizes disagree.
void writeLabelledMatrixCsv(const std::string& path, const std::string& corner,
                            const std::vector<std::string>& rowNames, const std::vector<std::string>& colNames,
                            const std::vector<double>& values);

}  // namespace scdfm
