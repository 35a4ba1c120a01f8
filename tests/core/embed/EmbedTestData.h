#pragma once
// Synthetic data and raw float32 exchange with the Python reference snippets.
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/embed/EmbedTypes.h"

namespace scdfm::test {

// nClusters Gaussian blobs (unit variance) whose centres are `separation` apart on average.
inline RowMatrixF gaussianClusters(int perCluster, int nClusters, int dim, double separation, std::uint64_t seed,
                                   std::vector<int>* labels = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  RowMatrixF centres(nClusters, dim);
  for (int c = 0; c < nClusters; ++c)
    for (int d = 0; d < dim; ++d) centres(c, d) = normal(rng) * float(separation / std::sqrt(2.0));
  RowMatrixF x(perCluster * nClusters, dim);
  if (labels) labels->assign(x.rows(), 0);
  for (int c = 0; c < nClusters; ++c)
    for (int i = 0; i < perCluster; ++i) {
      int r = c * perCluster + i;
      for (int d = 0; d < dim; ++d) x(r, d) = centres(c, d) + normal(rng);
      if (labels) (*labels)[r] = c;
    }
  return x;
}

inline void writeF32(const std::string& path, const RowMatrixF& m) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(float)));
}

inline RowMatrixF readF32(const std::string& path, std::int64_t rows, std::int64_t cols) {
  RowMatrixF m(rows, cols);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(float)));
  if (!in) m.resize(0, 0);
  return m;
}

}  // namespace scdfm::test
