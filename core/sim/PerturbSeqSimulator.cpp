#include "core/sim/PerturbSeqSimulator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/sim/SimRandom.h"
#include "core/util/Threads.h"

namespace scdfm::sim {

int SimulationResult::findCondition(const std::string& label, double dose) const {
  for (std::size_t c = 0; c < design.conditions.size(); ++c)
    if (design.conditions[c].label == label && design.conditions[c].dose == dose) return static_cast<int>(c);
  return -1;
}

std::vector<std::int64_t> SimulationResult::cellsOf(int condition) const {
  std::vector<std::int64_t> rows;
  for (std::size_t i = 0; i < cellCondition.size(); ++i)
    if (cellCondition[i] == condition) rows.push_back(static_cast<std::int64_t>(i));
  return rows;
}

namespace {

constexpr std::uint64_t kCalibrationCellBase = 1ULL << 41;

// 10x-style barcode: 16 bases from a bijective hash of the cell id, so every
// cell's barcode is unique.
std::string barcode(std::uint64_t seed, std::uint64_t cellId) {
  const std::uint32_t key = static_cast<std::uint32_t>(mix64(seed ^ 0x5bd1e995ULL));
  std::uint32_t x = static_cast<std::uint32_t>(cellId) * 2654435761u + key;
  x ^= x >> 15;
  x *= 2246822519u;  // odd: a bijection on 32 bits
  x ^= x >> 13;
  static const char bases[4] = {'A', 'C', 'G', 'T'};
  std::string s(16, 'A');
  for (int i = 0; i < 16; ++i) s[i] = bases[(x >> (2 * i)) & 3u];
  return s + "-1";
}

Column column(const std::string& name, Column::Kind kind) {
  Column c;
  c.name = name;
  c.kind = kind;
  return c;
}

// Runs fn(begin, end, thread) over [0, n) in chunks on threadCount() threads.
template <class Fn>
void parallelChunks(int n, int chunk, const CancelToken& cancel, Fn fn) {
  const int threads = std::max(1, std::min(threadCount(), (n + chunk - 1) / chunk));
  std::atomic<int> next{0};
  std::exception_ptr failure;
  std::mutex m;
  auto worker = [&](int t) {
    try {
      for (int b; (b = next.fetch_add(chunk)) < n;) {
        if (cancel.cancelled()) return;
        fn(b, std::min(n, b + chunk), t);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(m);
      failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  cancel.throwIfCancelled();
}

}  // namespace

std::unique_ptr<SimulationResult> simulatePerturbSeq(const SimulationConfig& config, const SimulateOptions& options,
                                                     const Progress& progress, const CancelToken& cancel) {
  config.validate();
  auto result = std::make_unique<SimulationResult>();
  SimulationResult& r = *result;
  r.config = config;
  progress.report(0.0, "building the gene network");
  {
    SimRandom rng(streamSeed(config.seed, kStreamNetwork));
    r.network = GeneNetwork::generate(config.genes, config.feedbackFraction, rng);
  }
  {
    SimRandom rng(streamSeed(config.seed, kStreamDesign));
    r.design = SimulationDesign::generate(r.config, r.network, rng);
  }
  const int n = r.network.size();
  CellModel model(r.config, r.network, r.design);

  // Rate scale: the mean control cell's rates sum to its library size.
  {
    const int nCal = 256;
    double sum = 0;
    CellWorkspace ws;
    for (int i = 0; i < nCal; ++i) {
      const CellLatent cell = model.latent(kCalibrationCellBase + i, r.design.conditions[0], ws);
      model.logRates(cell, r.design.conditions[0], ws);
      for (int g = 0; g < n; ++g) sum += std::exp(ws.y[g]);
    }
    r.design.rateScale = nCal / sum;
    model.setRateScale(r.design.rateScale);
  }
  cancel.throwIfCancelled();

  // Cells, by id: conditions in design order.
  std::vector<int> condOfId;
  for (std::size_t c = 0; c < r.design.conditions.size(); ++c)
    condOfId.insert(condOfId.end(), r.design.conditions[c].cells, static_cast<int>(c));
  const int nCells = static_cast<int>(condOfId.size());
  std::vector<std::vector<std::pair<std::int32_t, float>>> nonzeros(nCells);
  std::vector<CellLatent> latents(nCells);
  const double simShare = options.groundTruth ? 0.6 : 0.95;
  std::atomic<int> done{0};
  parallelChunks(nCells, 128, cancel, [&](int begin, int end, int thread) {
    CellWorkspace ws;
    for (int id = begin; id < end; ++id) {
      const Condition& cond = r.design.conditions[condOfId[id]];
      latents[id] = model.latent(static_cast<std::uint64_t>(id), cond, ws);
      model.logRates(latents[id], cond, ws);
      auto& nz = nonzeros[id];
      for (int g = 0; g < n; ++g) {
        const long long k = model.sampleCount(static_cast<std::uint64_t>(id), g, model.expectedCount(latents[id], ws.y[g]));
        if (k > 0) nz.emplace_back(g, static_cast<float>(k));
      }
    }
    const int d = done.fetch_add(end - begin) + (end - begin);
    if (thread == 0) progress.report(simShare * d / nCells, "simulating cells", d, nCells);
  });

  // File order: shuffled, as in real data (control cells are found by label).
  std::vector<int> order(nCells);
  for (int i = 0; i < nCells; ++i) order[i] = i;
  {
    SimRandom rng(streamSeed(config.seed, kStreamOrder));
    for (int i = nCells - 1; i > 0; --i) std::swap(order[i], order[rng.uniformInt(i + 1)]);
  }

  // X: CSR counts.
  std::int64_t nnz = 0;
  for (const auto& v : nonzeros) nnz += static_cast<std::int64_t>(v.size());
  ExpressionMatrix X;
  X.encoding = MatrixEncoding::Csr;
  X.sparse = true;
  X.fileDtype = "float32";
  X.csr.resize(nCells, n);
  X.csr.resizeNonZeros(nnz);
  {
    std::int64_t* outer = X.csr.outerIndexPtr();
    std::int64_t* inner = X.csr.innerIndexPtr();
    float* values = X.csr.valuePtr();
    std::int64_t pos = 0;
    outer[0] = 0;
    for (int row = 0; row < nCells; ++row) {
      for (const auto& [g, v] : nonzeros[order[row]]) {
        inner[pos] = g;
        values[pos] = v;
        ++pos;
      }
      outer[row + 1] = pos;
    }
  }

  // obs.
  AnnData& ad = r.adata;
  ad.obs.indexName = "_index";
  ad.obs.index.resize(nCells);
  std::vector<std::string> condition(nCells), ptype(nCells), ctype(nCells);
  Column dose = column("dose", Column::Kind::Float);
  Column control = column("control", Column::Kind::Bool);
  Column nCounts = column("n_counts", Column::Kind::Float);
  Column nGenes = column("n_genes", Column::Kind::Int);
  r.cellCondition.resize(nCells);
  r.cellLatent.resize(nCells);
  std::vector<double> libs(nCells);
  for (int row = 0; row < nCells; ++row) {
    const int id = order[row];
    const Condition& cond = r.design.conditions[condOfId[id]];
    ad.obs.index[row] = barcode(config.seed, static_cast<std::uint64_t>(id));
    condition[row] = cond.label;
    ptype[row] = toString(cond.kind);
    ctype[row] = r.design.cellTypes[latents[id].cellType].name;
    dose.floats.push_back(cond.dose);
    control.bools.push_back(cond.kind == ConditionKind::Control ? 1 : 0);
    double total = 0;
    for (const auto& e : nonzeros[id]) total += e.second;
    nCounts.floats.push_back(total);
    nGenes.ints.push_back(static_cast<std::int64_t>(nonzeros[id].size()));
    libs[row] = total;
    r.cellCondition[row] = condOfId[id];
    r.cellLatent[row] = latents[id];
  }
  nonzeros.clear();
  nonzeros.shrink_to_fit();
  ad.obs.columns.push_back(categoricalColumn("condition", condition));
  ad.obs.columns.push_back(categoricalColumn("perturbation_type", ptype));
  ad.obs.columns.push_back(std::move(dose));
  ad.obs.columns.push_back(categoricalColumn("cell_type", ctype));
  ad.obs.columns.push_back(std::move(control));
  ad.obs.columns.push_back(std::move(nCounts));
  ad.obs.columns.push_back(std::move(nGenes));
  ad.X = std::move(X);

  // var.
  ad.var.indexName = "_index";
  ad.var.index = r.network.names();
  Column hvg = column("highly_variable", Column::Kind::Bool);
  hvg.bools.assign(n, 1);
  ad.var.columns.push_back(std::move(hvg));

  // Normalisation target of the truth: the median library size (scanpy's
  // normalize_total default).
  std::vector<double> sorted = libs;
  std::nth_element(sorted.begin(), sorted.begin() + nCells / 2, sorted.end());
  double median = sorted[nCells / 2];
  if (nCells % 2 == 0) {
    const double lower = *std::max_element(sorted.begin(), sorted.begin() + nCells / 2);
    median = 0.5 * (median + lower);
  }

  // uns.
  nlohmann::json sim = config.toJson();
  sim["generator"] = "scdfm simulate";
  sim["format_version"] = 1;
  sim["gene_names"] = "synthetic (G0001...)";
  sim["normalize_target_sum"] = median;
  if (!options.truthFolderName.empty()) sim["truth_dir"] = options.truthFolderName;
  ad.uns["simulation"] = sim;
  ad.uns["dose_unit"] = "nM";
  ad.uns["perturbation_modality"] = toString(config.modality);
  ad.uns["control_label"] = "ctrl";

  if (options.groundTruth) {
    r.truth = computeGroundTruth(model, r.design, config.truthCellsPerCondition, median,
                                 progress.sub(simShare, 1.0), cancel);
    r.hasTruth = true;
  }
  progress.report(1.0, "done");
  return result;
}

}  // namespace scdfm::sim
