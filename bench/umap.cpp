// bench_umap: PCA + UMAP of a generated single-cell-like dataset (default
// 50,000 cells x 2,000 genes, 15 cell types), with timings, kNN recall of the
// HNSW index against exact search, and the transform of 1,000 new cells.
// Writes the PCA input and our embeddings for bench/run_umap.sh, which runs
// umap-learn on the same PCA input and compares. No thresholds here.
//
//   bench_umap [--cells N] [--genes G] [--new M] [--threads T] [--out DIR]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/data/Preprocess.h"
#include "core/embed/Knn.h"
#include "core/util/ParallelFor.h"
#include "core/embed/Pca.h"
#include "core/embed/Umap.h"
#include "core/util/Threads.h"

using namespace scdfm;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Latent cell types -> gene log-means -> Poisson counts, then normalise_total 1e4 + log1p.
struct Generator {
  int genes, latent = 10, types = 15;
  Eigen::MatrixXd centres, loadings;
  Eigen::VectorXd base;
  explicit Generator(int g) : genes(g) {
    std::mt19937_64 rng(12345);
    std::normal_distribution<double> n01;
    centres.resize(types, latent);
    for (int i = 0; i < centres.size(); ++i) centres.data()[i] = 1.2 * n01(rng);
    loadings.resize(latent, genes);
    for (int i = 0; i < loadings.size(); ++i) loadings.data()[i] = 0.35 * n01(rng);
    base.resize(genes);
    for (int j = 0; j < genes; ++j) base[j] = -2.3 + n01(rng);  // ~10% non-zero, like droplet data
  }
  ExpressionMatrix cells(std::int64_t n, std::uint64_t seed, std::vector<int>& labels, int threads) const {
    labels.resize(n);
    std::vector<std::vector<Eigen::Triplet<float, std::int64_t>>> parts(threads);
    scdfm::parallelChunks(n, threads, [&](std::int64_t b, std::int64_t e, int w) {
      std::mt19937_64 rng(seed * 7919 + b);
      std::normal_distribution<double> n01;
      std::uniform_int_distribution<int> type(0, types - 1);
      std::lognormal_distribution<double> size(0.0, 0.3);
      for (std::int64_t i = b; i < e; ++i) {
        int t = type(rng);
        labels[i] = t;
        Eigen::VectorXd z = centres.row(t).transpose();
        for (int d = 0; d < latent; ++d) z[d] += 0.45 * n01(rng);
        Eigen::VectorXd logRate = base + loadings.transpose() * z;
        double lib = size(rng);
        for (int j = 0; j < genes; ++j) {
          std::poisson_distribution<int> pois(lib * std::exp(logRate[j]));
          int c = pois(rng);
          if (c > 0) parts[w].emplace_back(i, j, float(c));
        }
      }
    });
    std::vector<Eigen::Triplet<float, std::int64_t>> all;
    for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    ExpressionMatrix m;
    m.sparse = true;
    m.encoding = MatrixEncoding::Csr;
    m.csr.resize(n, genes);
    m.csr.setFromTriplets(all.begin(), all.end());
    normalizeTotal(m, 1e4);
    log1pInPlace(m);
    return m;
  }
};

void writeF32(const std::string& path, const RowMatrixF& m) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(float)));
}
void writeLabels(const std::string& path, const std::vector<int>& l) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(l.data()), static_cast<std::streamsize>(l.size() * sizeof(int)));
}

// Drops each query's own row (or the farthest entry) so that k true neighbours remain.
KnnGraph withoutSelf(const KnnGraph& g, const std::vector<std::int64_t>& self, int k) {
  KnnGraph r;
  r.k = k;
  for (std::int64_t i = 0; i < g.rows(); ++i) {
    int w = 0;
    for (int j = 0; j < g.k && w < k; ++j) {
      if (g.index(i, j) == self[i]) continue;
      r.indices.push_back(g.index(i, j));
      r.distances.push_back(g.distance(i, j));
      ++w;
    }
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t nCells = 50000, nNew = 1000;
  int nGenes = 2000, threads = threadCount();
  std::string out = "umap-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--cells") nCells = std::stoll(v);
    else if (a == "--genes") nGenes = std::stoi(v);
    else if (a == "--new") nNew = std::stoll(v);
    else if (a == "--threads") threads = std::stoi(v);
    else if (a == "--out") out = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  setThreadCount(threads);
  std::filesystem::create_directories(out);
  std::map<std::string, double> r;

  auto t0 = Clock::now();
  Generator gen(nGenes);
  std::vector<int> labels, newLabels;
  ExpressionMatrix x = gen.cells(nCells, 1, labels, threads);
  ExpressionMatrix xNew = gen.cells(nNew, 2, newLabels, threads);
  r["generate_s"] = seconds(t0);
  std::printf("data: %lld cells x %d genes, %lld stored values (%.1f%%), %d threads\n", (long long)nCells, nGenes,
              (long long)x.csr.nonZeros(), 100.0 * x.csr.nonZeros() / double(nCells * nGenes), threads);

  t0 = Clock::now();
  PcaOptions po;
  po.nComponents = 50;
  PcaResult pca = fitPca(x.csr, po);
  r["pca_s"] = seconds(t0);
  std::printf("PCA (50 comps, randomized, sparse): %.2f s; variance ratio of PC1..3: %.3f %.3f %.3f\n", r["pca_s"],
              pca.model.explainedVarianceRatio[0], pca.model.explainedVarianceRatio[1], pca.model.explainedVarianceRatio[2]);
  const RowMatrixF& X = pca.scores;

  // kNN alone: HNSW build + query vs exact on a sample of queries.
  t0 = Clock::now();
  KnnOptions ko;
  ko.forceApproximate = true;
  KnnIndex index(X, ko);
  r["knn_build_s"] = seconds(t0);
  t0 = Clock::now();
  KnnGraph all = index.queryIndexed(15);
  r["knn_query_s"] = seconds(t0);
  std::mt19937_64 rng(3);
  std::vector<std::int64_t> sample;
  for (int i = 0; i < 2000; ++i) sample.push_back(std::uniform_int_distribution<std::int64_t>(0, nCells - 1)(rng));
  RowMatrixF queries(sample.size(), X.cols());
  for (std::size_t i = 0; i < sample.size(); ++i) queries.row(i) = X.row(sample[i]);
  t0 = Clock::now();
  KnnGraph exact = exactKnn(X, queries, 16);
  r["knn_exact_2000_queries_s"] = seconds(t0);
  KnnGraph approx = index.query(queries, 16);
  r["knn_recall_at_15"] = knnRecall(withoutSelf(approx, sample, 15), withoutSelf(exact, sample, 15));
  std::printf("kNN (HNSW M=16 efC=200): build %.2f s, query all %.2f s, recall@15 vs exact %.4f\n", r["knn_build_s"],
              r["knn_query_s"], r["knn_recall_at_15"]);

  // Full UMAP fit (its own kNN included), stages timed through the progress callback.
  std::string stage;
  auto stageStart = Clock::now();
  Progress progress([&](const ProgressInfo& p) {
    std::string s = p.stage.substr(0, p.stage.find(':'));
    std::string key = p.stage;
    if (key != stage && !key.empty()) {
      if (!stage.empty()) std::printf("  %-40s %.2f s\n", stage.c_str(), seconds(stageStart));
      stage = key;
      stageStart = Clock::now();
    }
  });
  t0 = Clock::now();
  UmapOptions uo;
  uo.seed = 0;
  UmapModel model = UmapModel::fit(X, uo, progress);
  r["umap_fit_s"] = seconds(t0);
  std::printf("UMAP fit (n_neighbors 15, min_dist 0.1, %d epochs, %s init): %.2f s\n", model.epochsUsed(),
              model.usedSpectralInit() ? "spectral" : "random", r["umap_fit_s"]);

  t0 = Clock::now();
  RowMatrixF newX = pca.model.project(xNew.csr);
  r["project_new_s"] = seconds(t0);
  t0 = Clock::now();
  RowMatrixF placed = model.transform(newX);
  r["transform_s"] = seconds(t0);
  std::printf("transform of %lld new cells: PCA projection %.3f s, UMAP transform %.3f s\n", (long long)nNew,
              r["project_new_s"], r["transform_s"]);
  r["total_pca_umap_s"] = r["pca_s"] + r["umap_fit_s"];

  writeF32(out + "/pca.f32", X);
  writeF32(out + "/new_pca.f32", newX);
  writeF32(out + "/umap.f32", model.embedding());
  writeF32(out + "/new_umap.f32", placed);
  writeLabels(out + "/labels.i32", labels);
  writeLabels(out + "/new_labels.i32", newLabels);
  std::ofstream meta(out + "/ours.json");
  meta << "{\"cells\": " << nCells << ", \"genes\": " << nGenes << ", \"new\": " << nNew << ", \"dims\": " << X.cols()
       << ", \"threads\": " << threads;
  for (auto& [k, v] : r) meta << ", \"" << k << "\": " << v;
  meta << "}\n";
  std::printf("results in %s\n", out.c_str());
  return 0;
}
