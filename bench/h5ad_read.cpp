// Times .h5ad reading: opening (obs/var), a full load of X (and everything
// else), and loading only the cells of one condition (obs column == value);
// "dataset" selects the condition as the GUI and CLI do (Dataset: column
// roles, perturbation catalog, then its cells' expression).
//   bench_h5ad_read FILE COLUMN VALUE [full|subset|both|dataset]
// Each mode can run in its own process so that the peak memory it prints
// belongs to that mode alone. bench/run_h5ad_read.sh compares with anndata.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/data/Dataset.h"
#include "core/io/H5adReader.h"
#include "core/util/Error.h"

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double peakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s FILE OBS_COLUMN VALUE [full|subset|both]\n", argv[0]);
    return 2;
  }
  const std::string file = argv[1], column = argv[2], value = argv[3];
  const std::string mode = argc > 4 ? argv[4] : "both";
  try {
    if (mode == "full" || mode == "both") {
      auto t0 = std::chrono::steady_clock::now();
      scdfm::AnnData a = scdfm::readH5ad(file);
      const double t = seconds(t0);
      std::printf("ours full load:   %.3f s  (%lld x %lld, nnz %lld)  peak RSS %.0f MB\n", t,
                  static_cast<long long>(a.nObs()), static_cast<long long>(a.nVars()),
                  static_cast<long long>(a.X && a.X->sparse ? a.X->csr.nonZeros() : -1), peakRssMb());
    }
    if (mode == "subset" || mode == "both") {
      auto t0 = std::chrono::steady_clock::now();
      scdfm::H5adReader r(file);
      const double tOpen = seconds(t0);
      const scdfm::Column& col = r.obs().at(column, "obs");
      std::vector<std::int64_t> rows;
      for (std::size_t i = 0; i < col.size(); ++i)
        if (col.text(i) == value) rows.push_back(static_cast<std::int64_t>(i));
      scdfm::ExpressionMatrix m = r.readXRows(rows);
      const double t = seconds(t0);
      std::printf("ours subset load: %.3f s  (open+obs/var %.3f s; %zu cells of %s == %s, nnz %lld)  peak RSS %.0f MB\n",
                  t, tOpen, rows.size(), column.c_str(), value.c_str(),
                  static_cast<long long>(m.sparse ? m.csr.nonZeros() : m.dense.size()), peakRssMb());
    }
    if (mode == "dataset") {
      auto t0 = std::chrono::steady_clock::now();
      const scdfm::Dataset ds(file);
      const double tOpen = seconds(t0);
      const auto rows = ds.catalog().cellsOf(ds.catalog().resolve(value).key);
      const scdfm::ExpressionMatrix m = ds.expression(rows);
      std::printf("ours dataset select: %.3f s  (open+catalog %.3f s; %zu cells of %s, nnz %lld)  peak RSS %.0f MB\n",
                  seconds(t0), tOpen, rows.size(), value.c_str(),
                  static_cast<long long>(m.sparse ? m.csr.nonZeros() : m.dense.size()), peakRssMb());
    }
  } catch (const scdfm::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
