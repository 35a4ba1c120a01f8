// scdfm embed FILE.h5ad --out OUT.h5ad [--n-pcs 50 --n-neighbors 15 --min-dist 0.1 --seed 0 --threads N --hvg N]
// PCA + UMAP of the observed cells, stored where scanpy users expect them:
// obsm['X_pca'], obsm['X_umap'], varm['PCs'], uns['pca'], uns['umap'],
// var['highly_variable']. Counts are normalised (total 1e4) and log1p'd
// first; data that is already log-normalised is used as is (see --normalize).
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include "app/cli/Command.h"
#include "core/data/Preprocess.h"
#include "core/embed/EmbeddingMemory.h"
#include "core/embed/Pca.h"
#include "core/embed/Umap.h"
#include "core/io/H5adReader.h"
#include "core/io/H5adWriter.h"
#include "core/util/Error.h"
#include "core/util/AvailableMemory.h"
#include "core/util/Threads.h"

namespace scdfm::cli {
namespace {

struct EmbedOptions {
  std::string input, out, normalize = "auto";
  int nPcs = 50, nNeighbors = 15, hvg = 2000, threads = 0;
  float minDist = 0.1f;
  std::uint64_t seed = 0;
  bool scale = false, quiet = false;
};

// True when every stored value is a non-negative integer (raw counts).
bool looksLikeCounts(const ExpressionMatrix& m) {
  auto isCount = [](float v) { return v >= 0.0f && std::floor(v) == v; };
  if (m.sparse) {
    const float* v = m.csr.valuePtr();
    for (std::int64_t i = 0; i < m.csr.nonZeros(); ++i)
      if (!isCount(v[i])) return false;
    return true;
  }
  for (std::int64_t i = 0; i < m.dense.size(); ++i)
    if (!isCount(m.dense.data()[i])) return false;
  return true;
}

// Keeps the given columns (ascending), as a new matrix of the same kind.
ExpressionMatrix selectColumns(const ExpressionMatrix& m, const std::vector<std::int64_t>& cols) {
  ExpressionMatrix r;
  r.sparse = m.sparse;
  r.encoding = m.encoding;
  r.fileDtype = m.fileDtype;
  if (m.sparse) {
    std::vector<std::int64_t> map(m.cols(), -1);
    for (std::size_t j = 0; j < cols.size(); ++j) map[cols[j]] = static_cast<std::int64_t>(j);
    std::vector<Eigen::Triplet<float, std::int64_t>> t;
    for (std::int64_t i = 0; i < m.csr.outerSize(); ++i)
      for (SparseRowMatrixF::InnerIterator it(m.csr, i); it; ++it)
        if (map[it.col()] >= 0) t.emplace_back(i, map[it.col()], it.value());
    r.csr.resize(m.rows(), static_cast<std::int64_t>(cols.size()));
    r.csr.setFromTriplets(t.begin(), t.end());
  } else {
    r.dense.resize(m.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) r.dense.col(j) = m.dense.col(cols[j]);
  }
  return r;
}

// Prints "stage ... NN%" lines to stderr when the stage changes or every 10%.
Progress consoleProgress(bool quiet) {
  if (quiet) return {};
  auto last = std::make_shared<std::pair<std::string, int>>("", -1);
  return Progress([last](const ProgressInfo& p) {
    int pct = static_cast<int>(p.fraction * 100);
    std::string stage = p.stage.substr(0, p.stage.find(':'));
    if (stage != last->first || pct / 10 != last->second / 10) {
      std::cerr << "[" << pct << "%] " << p.stage << "\n";
      *last = {stage, pct};
    }
  });
}

int runEmbed(const EmbedOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  if (o.threads > 0) setThreadCount(o.threads);
  if (o.nPcs < 2) throw InputError("", "--n-pcs", "must be at least 2", "use 50 (the default)");
  if (o.normalize != "auto" && o.normalize != "yes" && o.normalize != "no")
    throw InputError("", "--normalize", "must be auto, yes or no, got '" + o.normalize + "'", "");

  H5adReader reader(o.input);
  if (!reader.summary().hasX)
    throw InputError(o.input, "/X", "the file has no expression matrix X", "embed a file that stores X (counts or log-normalised)");
  {
    // X as read, its normalised copy and the selected genes, then PCA and UMAP.
    const auto& s = reader.summary();
    const std::int64_t genes = o.hvg > 0 ? std::min<std::int64_t>(o.hvg, s.nVars) : s.nVars;
    requireMemory(3.0 * expressionBytes(s.nObs, s.nVars, s.xEncoding == MatrixEncoding::Dense ? -1 : s.xNnz) +
                      embeddingPeakBytes(s.nObs, genes, o.nPcs, o.nNeighbors),
                  "Embedding " + std::to_string(s.nObs) + " cells",
                  "Run it on a machine with more memory, or on a file with fewer cells");
  }
  AnnData adata = reader.readAll();
  ExpressionMatrix x = *adata.X;
  if (x.rows() < 3) throw InputError(o.input, "/X", "needs at least 3 cells to embed, found " + std::to_string(x.rows()), "");

  const bool counts = looksLikeCounts(x);
  const bool normalise = o.normalize == "yes" || (o.normalize == "auto" && counts);
  if (normalise) {
    normalizeTotal(x, 1e4);
    log1pInPlace(x);
  }
  std::vector<std::int64_t> genes;
  if (o.hvg > 0 && o.hvg < x.cols()) {
    HvgOptions ho;
    ho.nTopGenes = o.hvg;
    genes = highlyVariableGenesSeurat(x, ho).selected();
    if (genes.size() < 2) throw InputError(o.input, "/X", "fewer than 2 variable genes found", "use --hvg 0 to keep all genes");
  } else {
    for (std::int64_t j = 0; j < x.cols(); ++j) genes.push_back(j);
  }
  ExpressionMatrix sub = selectColumns(x, genes);

  Progress progress = consoleProgress(o.quiet);
  PcaOptions po;
  po.nComponents = o.nPcs;
  po.scale = o.scale;
  po.seed = o.seed;
  PcaResult pca = sub.sparse ? fitPca(sub.csr, po, progress.sub(0.0, 0.2)) : fitPca(sub.dense, po, progress.sub(0.0, 0.2));

  UmapOptions uo;
  uo.nNeighbors = o.nNeighbors;
  uo.minDist = o.minDist;
  uo.seed = o.seed;
  UmapModel umap = UmapModel::fit(pca.scores, uo, progress.sub(0.2, 1.0));

  // Store as scanpy does (PCs rows of genes not used are 0).
  const int k = pca.model.nComponents();
  RowMatrixF pcs = RowMatrixF::Zero(adata.nVars(), k);
  std::vector<double> mean(adata.nVars(), 0.0);
  for (std::size_t j = 0; j < genes.size(); ++j) {
    pcs.row(genes[j]) = pca.model.loadings.row(j);
    mean[genes[j]] = pca.model.mean[j];
  }
  adata.obsm["X_pca"] = pca.scores;
  adata.obsm["X_umap"] = umap.embedding();
  adata.varm["PCs"] = pcs;
  if (genes.size() < static_cast<std::size_t>(adata.nVars())) {
    Column hv;
    hv.name = "highly_variable";
    hv.kind = Column::Kind::Bool;
    hv.bools.assign(adata.nVars(), 0);
    for (auto j : genes) hv.bools[j] = 1;
    if (Column* old = adata.var.find("highly_variable")) *old = hv;
    else adata.var.columns.push_back(hv);
  }
  auto toVec = [](const Eigen::VectorXf& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  adata.uns["pca"] = {{"variance", toVec(pca.model.explainedVariance)},
                      {"variance_ratio", toVec(pca.model.explainedVarianceRatio)},
                      {"params", {{"zero_center", true}, {"use_highly_variable", genes.size() < static_cast<std::size_t>(adata.nVars())}}}};
  adata.uns["umap"] = {{"params", {{"a", umap.a()}, {"b", umap.b()}}}};
  adata.uns["scdfm_embed"] = {{"normalized_here", normalise}, {"target_sum", 1e4}, {"n_hvg", genes.size()},
                              {"n_pcs", k}, {"scaled", o.scale}, {"n_neighbors", o.nNeighbors},
                              {"min_dist", o.minDist}, {"seed", o.seed}, {"n_epochs", umap.epochsUsed()},
                              {"spectral_init", umap.usedSpectralInit()}, {"pca_mean", mean}};
  writeH5ad(o.out, adata);

  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!o.quiet) {
    double explained = pca.model.explainedVarianceRatio.sum();
    std::cout << "embedded " << x.rows() << " cells: " << (normalise ? "normalised (total 1e4) + log1p, " : "X used as log-normalised, ")
              << genes.size() << " genes, " << k << " PCs (" << std::round(explained * 1000) / 10 << "% of variance), UMAP "
              << umap.epochsUsed() << " epochs (" << (umap.usedSpectralInit() ? "spectral" : "random") << " start) in "
              << std::round(secs * 10) / 10 << " s\n"
              << "wrote obsm['X_pca'], obsm['X_umap'] to " << o.out << "\n";
  }
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "embed",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<EmbedOptions>();
      sub.add_option("file", o->input, "Input .h5ad (X: raw counts or log-normalised expression)")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--out,-o", o->out, "Output .h5ad: the input plus obsm['X_pca'], obsm['X_umap'] (may be the input)")
          ->required();
      sub.add_option("--n-pcs", o->nPcs, "Principal components (randomized SVD)")->capture_default_str();
      sub.add_option("--n-neighbors", o->nNeighbors, "UMAP neighbours, the cell itself included (as umap-learn)")
          ->capture_default_str()
          ->check(CLI::Range(2, 200));
      sub.add_option("--min-dist", o->minDist, "UMAP min_dist (spread 1)")->capture_default_str()->check(CLI::Range(0.0, 1.0));
      sub.add_option("--seed", o->seed, "Random seed (with --threads 1 the result is reproducible)")->capture_default_str();
      sub.add_option("--threads", o->threads, "CPU threads (default: all cores)");
      sub.add_option("--hvg", o->hvg, "Highly variable genes used (scanpy flavor 'seurat'; 0: all genes)")
          ->capture_default_str()
          ->check(CLI::NonNegativeNumber);
      sub.add_option("--normalize", o->normalize,
                     "auto: normalise total to 1e4 + log1p when X holds counts (non-negative integers), else use X as is; "
                     "yes / no force it")
          ->capture_default_str();
      sub.add_flag("--scale", o->scale, "Scale genes to unit variance before PCA");
      sub.add_flag("--quiet,-q", o->quiet, "Print nothing on success");
      return [o] { return runEmbed(*o); };
    },
    "PCA + UMAP of the cells of an .h5ad (stored in obsm['X_pca'] and obsm['X_umap'])"}};

}  // namespace
}  // namespace scdfm::cli
