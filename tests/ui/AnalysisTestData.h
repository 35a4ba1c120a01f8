#pragma once
// Synthetic inputs for the analysis-view tests: control / observed / predicted
// log1p expression over named genes, attention maps, metric runs and a gene graph.
// Deterministic (fixed seeds).
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/eval/EvalTestSupport.h"  // tests/core/eval: poissonLog1p
#include "core/eval/MethodComparison.h"
#include "ui/analysis/ComparisonInput.h"

namespace scdfm::uitest {

inline std::vector<std::string> geneNames(int n) {
  static const char* known[] = {"KLF1", "GATA1", "TAL1", "HBG1", "HBG2", "MAP2K6", "CEBPA", "SPI1", "MYC", "CDKN1A",
                                "FOSB", "JUN", "EGR1", "ZBTB1", "LMO2", "RUNX1", "IKZF3", "CBL", "PTPN12", "SET"};
  std::vector<std::string> g;
  for (int i = 0; i < n; ++i) g.push_back(i < 20 ? known[i] : "GENE" + std::to_string(i));
  return g;
}

// Softmax-like maps: positive rows summing to 1.
inline AttentionMap attentionMap(std::int64_t cell, std::int64_t block, const std::string& part, int genes,
                                 std::uint64_t seed, double lambda) {
  AttentionMap m;
  m.cell = cell;
  m.block = block;
  m.part = part;
  m.heads = 4;
  m.rows = m.cols = genes;
  m.lambda = lambda;
  m.time = 1.0;
  std::mt19937_64 rng(seed);
  std::exponential_distribution<float> e(1.0f);
  for (auto* v : {&m.softmax1, &m.softmax2}) {
    v->resize(static_cast<std::size_t>(4 * genes * genes));
    for (int h = 0; h < 4 * genes; ++h) {
      float sum = 0;
      for (int c = 0; c < genes; ++c) sum += (*v)[h * genes + c] = std::pow(e(rng), 3.0f);
      for (int c = 0; c < genes; ++c) (*v)[h * genes + c] /= sum;
    }
  }
  return m;
}

// The graph over vocabulary = specials + sorted genes: each gene linked to a few others.
inline std::shared_ptr<RawTensor> graphMask(const std::vector<std::string>& vocabulary, std::uint64_t seed) {
  const std::int64_t M = static_cast<std::int64_t>(vocabulary.size());
  auto mask = std::make_shared<RawTensor>();
  mask->dtype = DType::BOOL;
  mask->shape = {M, M};
  mask->data.assign(static_cast<std::size_t>(M * M), 1);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> pick(4, M - 1);
  for (std::int64_t i = 0; i < M; ++i) mask->data[i * M + i] = 0;
  for (std::int64_t i = 4; i < M; ++i)
    for (int k = 0; k < 4; ++k) {
      const auto j = pick(rng);
      mask->data[i * M + j] = mask->data[j * M + i] = 0;
    }
  return mask;
}

// 60 genes; KLF1 (gene 0) and MAP2K6 (gene 5) perturbed; every 6th gene responds.
inline ui::ComparisonInput comparisonInput(bool withObserved = true, bool withAttention = true) {
  const int G = 60;
  ui::ComparisonInput in;
  in.perturbation = "KLF1+MAP2K6";
  in.targets = {"KLF1", "MAP2K6"};
  in.context = "K562";
  in.genes = geneNames(G);
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(std::log(0.2), std::log(5.0));
  std::vector<double> base(G), obs, pred;
  for (auto& b : base) b = std::exp(u(rng));
  obs = pred = base;
  for (int j = 0; j < G; j += 6) {
    obs[j] *= j % 12 ? 3.0 : 0.2;
    pred[j] *= j % 12 ? 2.4 : 0.3;
  }
  obs[0] = pred[0] = base[0] * 0.1;  // the knocked-down target itself
  in.control = std::make_shared<RowMatrixF>(evaltest::poissonLog1p(150, base, 1));
  if (withObserved) in.observed = std::make_shared<RowMatrixF>(evaltest::poissonLog1p(90, obs, 2));
  in.predicted = std::make_shared<RowMatrixF>(evaltest::poissonLog1p(128, pred, 3));
  if (withAttention) {
    auto maps = std::make_shared<std::vector<AttentionMap>>();
    std::uint64_t seed = 100;
    for (int cell : {0, 1})
      for (int block : {0, 1})
        for (const char* part : {"diff_self_attn", "diff_cross_attn"})
          maps->push_back(attentionMap(cell, block, part, G, seed++, 0.6 + 0.1 * block));
    in.attention = maps;
  }
  if (withObserved) {
    in.metricRuns = {
        {kModelMethod,
         {{{"pearson_delta", 0.91}, {"mse_top20_de", 0.020}, {"mse", 0.004}},
          {{"pearson_delta", 0.93}, {"mse_top20_de", 0.024}, {"mse", 0.005}},
          {{"pearson_delta", 0.92}, {"mse_top20_de", 0.019}, {"mse", 0.0045}}}},
        {kNoChangeMethod, {{{"pearson_delta", std::nan("")}, {"mse_top20_de", 0.300}, {"mse", 0.030}}}},
        {kAdditiveMethod, {{{"pearson_delta", 0.95}, {"mse_top20_de", 0.015}, {"mse", 0.006}}}},
        {kLinearMethod, {{{"pearson_delta", 0.90}, {"mse_top20_de", 0.030}, {"mse", 0.007}}}},
    };
  }
  std::vector<std::string> vocab{"<pad>", "<cls>", "<mask>", "control"};
  auto sorted = in.genes;
  std::sort(sorted.begin(), sorted.end());
  vocab.insert(vocab.end(), sorted.begin(), sorted.end());
  in.vocabulary = vocab;
  in.graphMask = graphMask(vocab, 5);
  return in;
}

}  // namespace scdfm::uitest
