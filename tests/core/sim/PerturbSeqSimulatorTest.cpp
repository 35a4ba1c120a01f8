// Statistical properties of the simulated data against the simulator's own
// ground truth (network, design, latent draws) with explicit tolerances.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iostream>
#include <numeric>

#include "TestSupport.h"
#include "core/io/Safetensors.h"
#include "core/sim/GroundTruthWriter.h"
#include "core/sim/PerturbSeqSimulator.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

using namespace scdfm;
using namespace scdfm::sim;

namespace {

// A config with enough cells per condition for statistical tests, small enough to run in about a second.
SimulationConfig testConfig() {
  SimulationConfig c = SimulationConfig::fromPreset("tiny");
  c.genes = 200;
  c.medianLibrarySize = 600;  // deeper than the tiny preset: more power per cell
  c.controlCells = 2000;
  c.cellsPerCondition = 600;
  c.singles = 12;
  c.combos = 10;  // the type pattern gives additive, synergistic, buffering, epistatic, neomorphic
  c.drugs = 2;
  c.doses = {10, 100, 1000};
  c.drugCombos = 1;
  c.truthCellsPerCondition = 400;
  return c;
}

const SimulationResult& fixture() {
  static auto result = simulatePerturbSeq(testConfig(), {}, Progress::none(), CancelToken());
  return *result;
}

const Column& obsColumn(const AnnData& a, const std::string& name) {
  for (const auto& c : a.obs.columns)
    if (c.name == name) return c;
  throw std::runtime_error("obs column missing: " + name);
}

// Per condition: mean over cells of log1p(count / total * target) (rows) and
// of count / total * target (count space).
struct ConditionMeans {
  Eigen::MatrixXd log1p, normalized;
  Eigen::MatrixXd log1pVar;  // variance over cells of log1p values
  Eigen::VectorXd cells;
};

ConditionMeans conditionMeans(const SimulationResult& r) {
  const auto& X = r.adata.X->csr;
  const int nc = static_cast<int>(r.design.conditions.size());
  const double target = r.truth.normalizeTarget;
  ConditionMeans m{Eigen::MatrixXd::Zero(nc, X.cols()), Eigen::MatrixXd::Zero(nc, X.cols()),
                   Eigen::MatrixXd::Zero(nc, X.cols()), Eigen::VectorXd::Zero(nc)};
  for (int i = 0; i < X.rows(); ++i) {
    const int c = r.cellCondition[i];
    double total = 0;
    for (SparseRowMatrixF::InnerIterator it(X, i); it; ++it) total += it.value();
    m.cells[c] += 1;
    if (total <= 0) continue;
    for (SparseRowMatrixF::InnerIterator it(X, i); it; ++it) {
      const double v = it.value() / total * target;
      m.log1p(c, it.col()) += std::log1p(v);
      m.log1pVar(c, it.col()) += std::log1p(v) * std::log1p(v);
      m.normalized(c, it.col()) += v;
    }
  }
  for (int c = 0; c < nc; ++c) {
    m.log1p.row(c) /= m.cells[c];
    m.normalized.row(c) /= m.cells[c];
    m.log1pVar.row(c) = m.log1pVar.row(c) / m.cells[c] - m.log1p.row(c).cwiseProduct(m.log1p.row(c));
  }
  return m;
}

const ConditionMeans& fixtureMeans() {
  static ConditionMeans m = conditionMeans(fixture());
  return m;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * (v.size() - 1))];
}

}  // namespace

TEST(PerturbSeqSimulator, AnnDataFollowsTheConventions) {
  const auto& r = fixture();
  const AnnData& a = r.adata;
  ASSERT_TRUE(a.X.has_value());
  EXPECT_EQ(a.X->rows(), r.design.totalCells());
  EXPECT_EQ(a.X->cols(), 200);
  EXPECT_EQ(a.nObs(), a.X->rows());
  EXPECT_EQ(a.var.index.front(), "G0001");
  // Integer-valued float32 counts.
  const auto& X = a.X->csr;
  for (std::int64_t k = 0; k < X.nonZeros(); ++k) {
    const float v = X.valuePtr()[k];
    ASSERT_GT(v, 0.0f);
    ASSERT_EQ(v, std::round(v));
  }
  const Column& condition = obsColumn(a, "condition");
  const Column& ptype = obsColumn(a, "perturbation_type");
  const Column& dose = obsColumn(a, "dose");
  const Column& control = obsColumn(a, "control");
  const Column& cellType = obsColumn(a, "cell_type");
  EXPECT_EQ(condition.kind, Column::Kind::Categorical);
  EXPECT_EQ(cellType.categories, (std::vector<std::string>{"TypeA", "TypeB"}));
  EXPECT_TRUE(std::is_sorted(condition.categories.begin(), condition.categories.end()));
  for (std::int64_t i = 0; i < a.nObs(); ++i) {
    const Condition& c = r.design.conditions[r.cellCondition[i]];
    ASSERT_EQ(condition.categories[condition.codes[i]], c.label);
    ASSERT_EQ(ptype.categories[ptype.codes[i]], toString(c.kind));
    ASSERT_EQ(control.bools[i] != 0, c.label == "ctrl");
    ASSERT_EQ(dose.floats[i] > 0, c.kind == ConditionKind::Drug);
  }
  // GEARS labels and sci-Plex style drugs.
  EXPECT_GE(r.findCondition("ctrl"), 0);
  const std::string g = r.network.names()[r.design.guides[0].gene];
  EXPECT_GE(r.findCondition(g + "+ctrl"), 0);
  EXPECT_GE(r.findCondition(r.design.drugs[0].name, 100), 0);
  EXPECT_EQ(a.uns["dose_unit"], "nM");
  EXPECT_EQ(a.uns["simulation"]["n_genes"], 200);
  // Barcodes are unique.
  std::vector<std::string> bc = a.obs.index;
  std::sort(bc.begin(), bc.end());
  EXPECT_EQ(std::adjacent_find(bc.begin(), bc.end()), bc.end());
}

TEST(PerturbSeqSimulator, SameSeedSameDataOtherSeedOtherData) {
  SimulationConfig c = SimulationConfig::fromPreset("tiny");
  c.truthCellsPerCondition = 20;
  const int savedThreads = threadCount();
  setThreadCount(1);
  auto a = simulatePerturbSeq(c, {}, Progress::none(), CancelToken());
  setThreadCount(2);
  auto b = simulatePerturbSeq(c, {}, Progress::none(), CancelToken());
  setThreadCount(savedThreads);
  c.seed = 2;
  auto other = simulatePerturbSeq(c, {}, Progress::none(), CancelToken());
  const auto& xa = a->adata.X->csr;
  const auto& xb = b->adata.X->csr;
  ASSERT_EQ(xa.nonZeros(), xb.nonZeros());
  EXPECT_TRUE(std::equal(xa.outerIndexPtr(), xa.outerIndexPtr() + xa.rows() + 1, xb.outerIndexPtr()));
  EXPECT_TRUE(std::equal(xa.innerIndexPtr(), xa.innerIndexPtr() + xa.nonZeros(), xb.innerIndexPtr()));
  EXPECT_TRUE(std::equal(xa.valuePtr(), xa.valuePtr() + xa.nonZeros(), xb.valuePtr()));
  EXPECT_EQ(a->adata.obs.index, b->adata.obs.index);
  EXPECT_EQ(a->truth.meanLog1p, b->truth.meanLog1p);  // truth does not depend on the thread count
  const auto& xo = other->adata.X->csr;
  const bool same = xo.nonZeros() == xa.nonZeros() &&
                    std::equal(xa.valuePtr(), xa.valuePtr() + xa.nonZeros(), xo.valuePtr());
  EXPECT_FALSE(same);
  EXPECT_NE(a->adata.obs.index, other->adata.obs.index);
}

TEST(PerturbSeqSimulator, SparsityAndLibrarySizeLookLikeAnHvgSubsetOf10xData) {
  // The demo's network and depth with fewer cells (the statistics are per cell).
  SimulationConfig c = SimulationConfig::fromPreset("demo");
  c.controlCells = 1500;
  c.cellsPerCondition = 8;
  SimulateOptions o;
  o.groundTruth = false;
  auto r = simulatePerturbSeq(c, o, Progress::none(), CancelToken());
  const auto& X = r->adata.X->csr;
  std::vector<double> lib, genes;
  for (int i = 0; i < X.rows(); ++i) {
    double s = 0;
    for (SparseRowMatrixF::InnerIterator it(X, i); it; ++it) s += it.value();
    lib.push_back(s);
    genes.push_back(static_cast<double>(X.outerIndexPtr()[i + 1] - X.outerIndexPtr()[i]));
  }
  const double sparsity = 1.0 - static_cast<double>(X.nonZeros()) / (static_cast<double>(X.rows()) * X.cols());
  EXPECT_GT(sparsity, 0.78);
  EXPECT_LT(sparsity, 0.90);
  EXPECT_NEAR(median(lib), c.medianLibrarySize, 0.15 * c.medianLibrarySize);
  const double iqrRatio = quantile(lib, 0.75) / quantile(lib, 0.25);
  EXPECT_GT(iqrRatio, 1.4);  // log-normal library sizes, sdlog 0.45 -> about 1.8
  EXPECT_LT(iqrRatio, 2.4);
  EXPECT_GT(median(genes), 100);
  EXPECT_LT(median(genes), 260);
  // Over-dispersion: control genes' variance exceeds the Poisson variance.
  const int ctrl = r->findCondition("ctrl");
  int overdispersed = 0, tested = 0;
  Eigen::VectorXd s = Eigen::VectorXd::Zero(X.cols()), s2 = Eigen::VectorXd::Zero(X.cols());
  double nCtrl = 0;
  for (int i = 0; i < X.rows(); ++i) {
    if (r->cellCondition[i] != ctrl) continue;
    nCtrl += 1;
    for (SparseRowMatrixF::InnerIterator it(X, i); it; ++it) {
      s[it.col()] += it.value();
      s2[it.col()] += it.value() * it.value();
    }
  }
  for (int g = 0; g < X.cols(); ++g) {
    const double mean = s[g] / nCtrl, var = s2[g] / nCtrl - mean * mean;
    if (mean < 2) continue;
    ++tested;
    overdispersed += var > 1.3 * mean;
  }
  ASSERT_GT(tested, 20);
  EXPECT_GT(overdispersed, 0.9 * tested);

  // The tiny preset keeps the same per-gene depth.
  auto tiny = simulatePerturbSeq(SimulationConfig::fromPreset("tiny"), o, Progress::none(), CancelToken());
  const auto& T = tiny->adata.X->csr;
  const double tinySparsity = 1.0 - static_cast<double>(T.nonZeros()) / (static_cast<double>(T.rows()) * T.cols());
  EXPECT_GT(tinySparsity, 0.75);
  EXPECT_LT(tinySparsity, 0.92);
}

TEST(PerturbSeqSimulator, KnockdownLowersTheTargetInTheExpectedShareOfCells) {
  const auto& r = fixture();
  const auto& m = fixtureMeans();
  const auto& X = r.adata.X->csr;
  for (std::size_t c = 1; c < r.design.conditions.size(); ++c) {
    const Condition& cond = r.design.conditions[c];
    if (cond.kind != ConditionKind::Gene || cond.isCombination()) continue;
    const int target = r.design.guides[cond.guides[0]].gene;
    const std::string name = r.network.names()[target];
    // Latent efficiencies: escapers (10%) keep ~80% of the mRNA, the rest keep ~meanEffect.
    std::vector<double> eff;
    double lowCounts = 0, lowCells = 0, highCounts = 0, highCells = 0;
    for (auto row : r.cellsOf(static_cast<int>(c))) {
      const double e = r.cellLatent[row].guideEffect[0];
      eff.push_back(e);
      double total = 0, value = 0;
      for (SparseRowMatrixF::InnerIterator it(X, row); it; ++it) {
        total += it.value();
        if (it.col() == target) value = it.value();
      }
      const double norm = total > 0 ? value / total * r.truth.normalizeTarget : 0;
      if (e < 0.3) {
        lowCounts += norm;
        lowCells += 1;
      }
      if (e > 0.6) {
        highCounts += norm;
        highCells += 1;
      }
    }
    // With a guide leaving <= 30% on average, ~95% of working-guide cells keep < 60%,
    // and about 93% of the 10% escapers keep more.
    const double n = static_cast<double>(eff.size());
    const double knocked = std::count_if(eff.begin(), eff.end(), [](double e) { return e < 0.6; }) / n;
    if (r.design.guides[cond.guides[0]].meanEffect <= 0.3) {
      EXPECT_GT(knocked, 0.80) << name;
      EXPECT_LT(knocked, 0.95) << name;
    }
    const double escaped = std::count_if(eff.begin(), eff.end(), [](double e) { return e > 0.6; }) / n;
    EXPECT_GT(escaped, 0.04) << name;
    EXPECT_LT(escaped, 0.16) << name;
    // Observed counts follow the latent efficiency.
    const double ctrlMean = m.normalized(0, target);
    const double meanEff = std::accumulate(eff.begin(), eff.end(), 0.0) / eff.size();
    const double ratio = m.normalized(c, target) / ctrlMean;
    EXPECT_LT(ratio, 0.6) << name;
    EXPECT_NEAR(ratio, meanEff, 0.15) << name;
    ASSERT_GT(lowCells, 50);
    EXPECT_LT(lowCounts / lowCells, 0.45 * ctrlMean) << name;
    if (highCells >= 20) {
      EXPECT_GT(highCounts / highCells, 0.45 * ctrlMean) << name;
    }
  }
}

TEST(PerturbSeqSimulator, DirectTargetsMoveWithTheSignOfTheEdge) {
  const auto& r = fixture();
  const auto& m = fixtureMeans();
  int tested = 0, agree = 0;
  std::vector<int> perturbed;
  for (const auto& g : r.design.guides) perturbed.push_back(g.gene);
  for (std::size_t c = 1; c < r.design.conditions.size(); ++c) {
    const Condition& cond = r.design.conditions[c];
    if (cond.kind != ConditionKind::Gene || cond.isCombination()) continue;
    const int source = r.design.guides[cond.guides[0]].gene;
    for (int e : r.network.outEdges(source)) {
      const Edge& edge = r.network.edges()[e];
      if (std::abs(edge.weight) < 0.5 || edge.feedback) continue;
      if (m.normalized(0, edge.target) < 0.5) continue;  // too rarely detected to see a shift
      if (std::find(perturbed.begin(), perturbed.end(), edge.target) != perturbed.end()) continue;
      ++tested;
      const double lfc = std::log(m.normalized(c, edge.target) / m.normalized(0, edge.target));
      agree += (lfc < 0) == (edge.weight > 0);  // knockdown: activator targets go down
    }
  }
  ASSERT_GE(tested, 5);
  EXPECT_GE(agree, 0.85 * tested) << agree << " of " << tested << " strong edges";
}

TEST(PerturbSeqSimulator, AdditivePairsMatchTheSumOfSinglesSynergisticPairsDoNot) {
  const auto& r = fixture();
  const auto& m = fixtureMeans();
  int additive = 0, synergistic = 0;
  for (const auto& s : r.truth.interactions) {
    const Condition& cond = r.design.conditions[s.condition];
    const auto type = cond.interaction.type;
    if (type != InteractionType::Additive && type != InteractionType::Synergistic) continue;
    // Data shifts on the genes the truth says respond (targets excluded).
    const Eigen::RowVectorXd tSum = r.truth.shift(s.singleA) + r.truth.shift(s.singleB);
    const Eigen::RowVectorXd tAB = r.truth.shift(s.condition);
    std::vector<int> genes;
    for (int g = 0; g < tSum.size(); ++g) {
      bool isTarget = false;
      for (int gi : cond.guides) isTarget |= r.design.guides[gi].gene == g;
      if (!isTarget && std::max(std::abs(tSum[g]), std::abs(tAB[g])) > 0.15) genes.push_back(g);
    }
    if (genes.size() < 2) continue;
    Eigen::VectorXd dA(genes.size()), dB(genes.size()), dAB(genes.size());
    double noise2 = 0;  // variance of the deviation's estimate, summed over genes
    auto se2 = [&](int c, int g) { return m.log1pVar(c, g) / m.cells[c]; };
    for (std::size_t i = 0; i < genes.size(); ++i) {
      const int g = genes[i];
      dA[i] = m.log1p(s.singleA, g) - m.log1p(0, g);
      dB[i] = m.log1p(s.singleB, g) - m.log1p(0, g);
      dAB[i] = m.log1p(s.condition, g) - m.log1p(0, g);
      noise2 += se2(s.condition, g) + se2(s.singleA, g) + se2(s.singleB, g) + se2(0, g);
    }
    // Deviation from additivity; `noise` is the expected norm of its sampling error.
    const double deviation = (dAB - dA - dB).norm(), sum = (dA + dB).norm(), noise = std::sqrt(noise2);
    if (type == InteractionType::Additive) {
      ++additive;
      EXPECT_LT(deviation, 0.15 * sum + 2 * noise) << cond.label << " sum " << sum << " noise " << noise;
      EXPECT_LT(s.nonAdditivity, 0.15) << cond.label;
    } else {
      ++synergistic;
      EXPECT_GT(deviation, 0.3 * sum + noise) << cond.label << " sum " << sum << " noise " << noise;
      EXPECT_GT(dAB.norm(), 1.15 * sum) << cond.label;
      EXPECT_GT(s.giScore, 0.2) << cond.label;
    }
    std::cout << cond.label << " " << toString(type) << ": genes " << genes.size() << " deviation " << deviation
              << " sum " << sum << " noise " << noise << "\n";
  }
  EXPECT_GE(additive, 1);
  EXPECT_GE(synergistic, 1);
  for (const auto& s : r.truth.interactions) {
    const auto type = r.design.conditions[s.condition].interaction.type;
    if (type == InteractionType::Buffering) {
      EXPECT_LT(s.giScore, -0.15);
    }
    if (type == InteractionType::Neomorphic) {
      EXPECT_GT(s.nonAdditivity, 0.3);
    }
  }
}

TEST(PerturbSeqSimulator, DrugEffectsGrowWithDose) {
  const auto& r = fixture();
  const auto& m = fixtureMeans();
  for (std::size_t d = 0; d < r.design.drugs.size(); ++d) {
    const Drug& drug = r.design.drugs[d];
    std::vector<int> conds;
    for (double dose : r.config.doses) conds.push_back(r.findCondition(drug.name, dose));
    ASSERT_EQ(conds.size(), 3u);
    // Truth: the shift grows with the dose.
    double last = -1;
    for (int c : conds) {
      const double norm = r.truth.shift(c).norm();
      EXPECT_GT(norm, last) << drug.name;
      last = norm;
    }
    // Data: the targets' expression falls with dose (Hill inhibition); 10x the dose is a clear step.
    for (int t : drug.targets) {
      if (m.normalized(0, t) < 0.5) continue;
      for (std::size_t k = 1; k < conds.size(); ++k)
        EXPECT_LT(m.normalized(conds[k], t), m.normalized(conds[k - 1], t) + 0.03 * m.normalized(0, t))
            << drug.name << " target " << r.network.names()[t];
      EXPECT_LT(m.normalized(conds.back(), t), 0.6 * m.normalized(0, t));
    }
    EXPECT_NEAR(drug.effect(drug.ec50), 0.5, 1e-12);
  }
}

TEST(PerturbSeqSimulator, DataShiftsAgreeWithTheTrueShifts) {
  const auto& r = fixture();
  const auto& m = fixtureMeans();
  std::vector<double> truth, data;
  for (std::size_t c = 1; c < r.design.conditions.size(); ++c)
    for (int g = 0; g < r.network.size(); ++g) {
      const double t = r.truth.meanLog1p(c, g) - r.truth.meanLog1p(0, g);
      if (std::abs(t) < 0.05) continue;
      truth.push_back(t);
      data.push_back(m.log1p(c, g) - m.log1p(0, g));
    }
  ASSERT_GT(truth.size(), 50u);
  const Eigen::Map<Eigen::VectorXd> t(truth.data(), truth.size()), d(data.data(), data.size());
  const double corr = (t.array() - t.mean()).matrix().dot((d.array() - d.mean()).matrix()) /
                      ((t.array() - t.mean()).matrix().norm() * (d.array() - d.mean()).matrix().norm());
  EXPECT_GT(corr, 0.9);
  // Genes the perturbation cannot reach keep exactly their expected counts; in
  // normalised space they move only through the library size (composition).
  const Condition& c1 = r.design.conditions[1];
  const int target = r.design.guides[c1.guides[0]].gene;
  std::vector<char> reach(r.network.size(), 0);
  reach[target] = 1;
  for (int g : r.network.downstream(target, 50)) reach[g] = 1;
  int unreached = 0;
  for (int g = 0; g < r.network.size(); ++g) {
    if (reach[g]) continue;
    ++unreached;
    EXPECT_EQ(r.truth.expectedCounts(1, g), r.truth.expectedCounts(0, g)) << r.network.names()[g];
  }
  EXPECT_GT(unreached, 0);
}

TEST(PerturbSeqSimulator, GroundTruthFilesDescribeTheSimulation) {
  const auto& r = fixture();
  const std::string dir = test::scratchDir("sim_truth") + "/data.truth";
  writeGroundTruth(r, dir);
  for (const char* f : {"README.txt", "params.json", "genes.csv", "network_edges.csv", "gene_graph.safetensors",
                        "conditions.csv", "mean_shift_log1p.csv", "expected_counts.csv", "interactions.csv",
                        "drugs.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  auto lines = [](const std::string& path) {
    std::ifstream in(path);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  };
  EXPECT_EQ(lines(dir + "/network_edges.csv"), static_cast<int>(r.network.edges().size()) + 1);
  EXPECT_EQ(lines(dir + "/mean_shift_log1p.csv"), static_cast<int>(r.design.conditions.size()));  // header, no ctrl
  EXPECT_EQ(lines(dir + "/expected_counts.csv"), static_cast<int>(r.design.conditions.size()) + 1);
  EXPECT_EQ(lines(dir + "/interactions.csv"), static_cast<int>(r.truth.interactions.size()) + 1);
  EXPECT_EQ(lines(dir + "/genes.csv"), r.network.size() + 1);

  const SafetensorsFile graph = readSafetensors(dir + "/gene_graph.safetensors");
  const RawTensor& adj = graph.at("adjacency");
  const int n = r.network.size();
  ASSERT_EQ(adj.shape, (std::vector<std::int64_t>{n, n}));
  for (const Edge& e : r.network.edges()) {
    EXPECT_EQ(adj.data[static_cast<std::size_t>(e.source) * n + e.target], 1);
    EXPECT_EQ(adj.data[static_cast<std::size_t>(e.target) * n + e.source], 1);
  }
  const auto genes = nlohmann::json::parse(graph.metadata.at("genes")).get<std::vector<std::string>>();
  EXPECT_EQ(genes, r.network.names());
  const RawTensor& mask = graph.at("mask");
  ASSERT_EQ(mask.shape, (std::vector<std::int64_t>{n + 4, n + 4}));
  EXPECT_EQ(mask.data[0], 0);                 // special token attends to itself
  EXPECT_EQ(mask.data[1], 1);                 // and to nothing else
  EXPECT_EQ(mask.data[4 * (n + 4) + 4], 0);   // gene diagonal allowed
}

TEST(PerturbSeqSimulator, CrisprActivationRaisesTheTarget) {
  SimulationConfig c = SimulationConfig::fromPreset("tiny");
  c.modality = Modality::CrisprA;
  c.truthCellsPerCondition = 100;
  auto r = simulatePerturbSeq(c, {}, Progress::none(), CancelToken());
  for (std::size_t k = 1; k < r->design.conditions.size(); ++k) {
    const Condition& cond = r->design.conditions[k];
    if (cond.kind != ConditionKind::Gene || cond.isCombination()) continue;
    const int t = r->design.guides[cond.guides[0]].gene;
    EXPECT_GT(r->truth.expectedCounts(k, t), 1.5 * r->truth.expectedCounts(0, t)) << cond.label;
  }
}

TEST(PerturbSeqSimulator, RejectsBadConfigsWithTheOptionName) {
  SimulationConfig c = SimulationConfig::fromPreset("tiny");
  c.genes = 20;
  try {
    c.validate();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "--genes");
  }
  EXPECT_THROW(SimulationConfig::fromPreset("huge"), InputError);
  c = SimulationConfig::fromPreset("tiny");
  c.combos = 100;
  EXPECT_THROW(c.validate(), InputError);
}

TEST(PerturbSeqSimulator, StopsWhenCancelled) {
  CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(simulatePerturbSeq(SimulationConfig::fromPreset("tiny"), {}, Progress::none(), cancel), Cancelled);
}

TEST(PerturbSeqSimulator, SupportsTheGeneRange) {
  for (int genes : {50, 5000}) {
    SimulationConfig c = SimulationConfig::fromPreset("tiny");
    c.genes = genes;
    c.controlCells = 50;
    c.cellsPerCondition = 5;
    SimulateOptions o;
    o.groundTruth = false;
    auto r = simulatePerturbSeq(c, o, Progress::none(), CancelToken());
    EXPECT_EQ(r->adata.nVars(), genes);
    EXPECT_EQ(r->design.guides.size(), 8u);
  }
}
