// A 100,000-cell CSR file (the CI size of bench/run --large's million cells,
// written by the same generator in chunks): `scdfm info` and reading one
// condition's cells stay far below the size of X in memory — nothing reads
// the whole matrix at open — and give the counts h5py sees.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "CliSupport.h"
#include "ProcessSupport.h"

using namespace scdfm;
namespace fs = std::filesystem;

namespace {

// Peak RSS in MB of a command run under /usr/bin/time, and its output (stdout only).
std::pair<double, std::string> measured(const std::string& command, const std::string& dir) {
  const std::string out = dir + "/out.txt", rss = dir + "/rss.txt";
  auto r = test::runCommand("/usr/bin/time -o " + rss + " -f %M " + command + " >" + out);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  std::ifstream o(out), m(rss);
  std::stringstream text;
  text << o.rdbuf();
  double kb = 0;
  m >> kb;
  return {kb / 1024.0, text.str()};
}

}  // namespace

TEST(LargeData, InfoAndOneConditionWithoutReadingX) {
  const std::string file = test::largeDataset();
  if (!fs::exists("/usr/bin/time") || file.empty()) GTEST_SKIP() << "needs /usr/bin/time and python3 with h5py";
  const auto dir = test::scratchDir("cli_large");
  auto [infoMb, info] = measured(test::scdfmBin() + " info " + file + " --json --condition GENE7+ctrl", dir);
  const auto j = nlohmann::json::parse(info);
  EXPECT_EQ(j["n_obs"], 100000);
  EXPECT_EQ(j["n_vars"], 2000);
  const std::int64_t nnz = j["X"]["nnz"];
  const double xMb = static_cast<double>(nnz) * 8.0 / (1 << 20);  // values and indices as stored
  // The condition's cells and values, counted independently with h5py.
  auto py = test::runPython("import h5py, numpy as np\nf = h5py.File('" + file + R"PY(', 'r')
cats = [c.decode() if isinstance(c, bytes) else c for c in f['obs/condition/categories'][()]]
rows = np.flatnonzero(f['obs/condition/codes'][()] == cats.index('GENE7+ctrl'))
p = f['X/indptr'][()]
print(len(rows), int((p[rows + 1] - p[rows]).sum()))
)PY");
  ASSERT_EQ(py.exitCode, 0) << py.output;
  std::int64_t cells = 0, values = 0;
  std::istringstream(py.output) >> cells >> values;
  EXPECT_EQ(j["condition"]["n_cells"], cells);
  EXPECT_EQ(j["condition"]["stored_values"], values);
  std::printf("[ scdfm info --condition on %lld cells: peak RSS %.0f MB (X on disk %.0f MB) ]\n", 100000LL, infoMb, xMb);
  EXPECT_LT(infoMb, 1024.0);
}
