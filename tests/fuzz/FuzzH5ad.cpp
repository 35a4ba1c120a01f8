// Fuzz target: an .h5ad file, opened the way `scdfm info` and the GUI open a
// dataset (H5adReader, then Dataset: column roles and perturbation catalog),
// then every part read (X whole and by rows, layers, obsm, varm, uns).
#include <hdf5.h>

#include <algorithm>

#include "FuzzSupport.h"
#include "core/data/Dataset.h"
#include "core/io/H5adReader.h"

namespace scdfm::fuzz {
namespace {

// Rows that reach both ends and repeat one, as Dataset::expression asks.
std::vector<std::int64_t> someRows(std::int64_t n) {
  if (n <= 0) return {};
  return {n - 1, 0, n / 2, 0};
}

void readEverything(const H5adReader& r) {
  const auto& s = r.summary();
  stage([&] { (void)r.readX(); });
  stage([&] { (void)r.readXRows(someRows(s.nObs)); });
  for (const auto& l : s.layers) {
    stage([&] { (void)r.readLayer(l); });
    stage([&] { (void)r.readLayerRows(l, someRows(s.nObs)); });
  }
  for (const auto& k : s.obsm) stage([&] { (void)r.readObsm(k); });
  for (const auto& k : s.varm) stage([&] { (void)r.readVarm(k); });
  stage([&] { (void)r.readUns(); });
}

}  // namespace

void runH5ad(const std::uint8_t* data, std::size_t size) {
  {
    InputFile file(data, size, ".h5ad");
    stage([&] {
      H5adReader r(file.path());
      readEverything(r);
    });
    stage([&] {
      Dataset ds(file.path());
      (void)ds.catalog().summary();
      std::vector<std::int64_t> rows = someRows(ds.nCells());
      if (ds.summary().hasX) stage([&] { (void)ds.expression(rows); });
      stage([&] { (void)ds.embedding(); });
    });
  }
  // A handle left open would keep the file open in HDF5's cache and make the
  // next input read stale bytes; in the app it leaks a descriptor per file.
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) throw PolicyViolation(std::to_string(open) + " HDF5 objects left open after reading the file");
}

}  // namespace scdfm::fuzz
