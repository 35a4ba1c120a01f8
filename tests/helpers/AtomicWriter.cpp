// test_atomic_writer <csv|h5ad|safetensors> <path> <version> [--check]
// Writes a file of a few tens of MB through core's writer of that kind, every
// value derived from <version>; with --check, exits 0 only when <path> holds
// exactly that version. AtomicWriteKillTest kills it mid-write with SIGKILL.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "core/io/CsvWriter.h"
#include "core/io/H5adReader.h"
#include "core/io/H5adWriter.h"
#include "core/io/Safetensors.h"

using namespace scdfm;

namespace {

constexpr std::int64_t kRows = 3000, kCols = 2000;

float value(int version, std::int64_t i) { return static_cast<float>(version) * 1000.0f + static_cast<float>(i % 9973) * 0.25f; }

RowMatrixF matrix(int version) {
  RowMatrixF m(kRows, kCols);
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = value(version, i);
  return m;
}

void writeCsvRows(CsvWriter& csv, int version, std::int64_t rows) {
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < kCols; ++c) csv.number(value(version, r * kCols + c));
    csv.endRow();
  }
}

AnnData annData(int version) {
  AnnData a;
  ExpressionMatrix x;
  x.sparse = false;
  x.encoding = MatrixEncoding::Dense;
  x.dense = matrix(version);
  a.X = std::move(x);
  for (std::int64_t i = 0; i < kRows; ++i) a.obs.index.push_back("cell" + std::to_string(i));
  for (std::int64_t j = 0; j < kCols; ++j) a.var.index.push_back("gene" + std::to_string(j));
  a.uns["version"] = version;
  return a;
}

SafetensorsFile tensors(int version) {
  SafetensorsFile f;
  const RowMatrixF m = matrix(version);
  f.tensors["x"] = RawTensor::fromFloat({kRows, kCols}, m.data());
  f.metadata["version"] = std::to_string(version);
  return f;
}

bool check(const std::string& kind, const std::string& path, int version) {
  if (kind == "csv") {
    std::ostringstream expected;
    CsvWriter csv(expected);
    writeCsvRows(csv, version, kRows / 4);
    std::ifstream in(path, std::ios::binary);
    const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return got == expected.str();
  }
  if (kind == "h5ad") {
    H5adReader r(path);
    std::vector<std::int64_t> rows(kRows);
    for (std::int64_t i = 0; i < kRows; ++i) rows[i] = i;
    return r.readXRows(rows).toDense() == matrix(version);
  }
  const auto f = readSafetensors(path);
  return f.metadata.at("version") == std::to_string(version) && f.at("x").toFloat() == tensors(version).at("x").toFloat();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <csv|h5ad|safetensors> <path> <version> [--check]\n", argv[0]);
    return 2;
  }
  const std::string kind = argv[1], path = argv[2];
  const int version = std::stoi(argv[3]);
  try {
    if (argc > 4 && std::string(argv[4]) == "--check") return check(kind, path, version) ? 0 : 1;
    if (kind == "csv") writeCsvFile(path, [&](CsvWriter& csv) { writeCsvRows(csv, version, kRows / 4); });
    else if (kind == "h5ad") writeH5ad(path, annData(version));
    else if (kind == "safetensors") writeSafetensors(path, tensors(version));
    else return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
