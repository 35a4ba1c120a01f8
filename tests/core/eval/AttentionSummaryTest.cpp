// Attention summaries: the matrix for a block/part/head/map equals the recorded
// softmax values (difference with the block's λ), averaged over heads and cells
// when asked; attention received = mean of the query rows.
#include <gtest/gtest.h>

#include <random>

#include "core/eval/AttentionSummary.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {
AttentionMap randomMap(std::int64_t cell, std::int64_t block, const std::string& part, double lambda,
                       std::uint64_t seed) {
  AttentionMap m;
  m.cell = cell;
  m.block = block;
  m.part = part;
  m.heads = 3;
  m.rows = m.cols = 5;
  m.lambda = lambda;
  m.time = 1.0;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  m.softmax1.resize(3 * 25);
  m.softmax2.resize(3 * 25);
  for (auto& v : m.softmax1) v = u(rng);
  for (auto& v : m.softmax2) v = u(rng);
  return m;
}

std::vector<AttentionMap> maps() {
  return {randomMap(0, 0, "diff_self_attn", 0.8, 1), randomMap(0, 0, "diff_cross_attn", 0.8, 2),
          randomMap(0, 1, "diff_self_attn", 0.5, 3), randomMap(7, 1, "diff_self_attn", 0.7, 4)};
}
}  // namespace

TEST(AttentionSummary, InventoryListsBlocksPartsCells) {
  const auto inv = attentionInventory(maps());
  EXPECT_EQ(inv.blocks, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(inv.cells, (std::vector<std::int64_t>{0, 7}));
  EXPECT_EQ(inv.parts, (std::vector<std::string>{"diff_self_attn", "diff_cross_attn"}));
  EXPECT_EQ(inv.heads, 3);
  EXPECT_EQ(inv.genes, 5);
}

TEST(AttentionSummary, OneHeadEqualsTheRecordedValues) {
  const auto all = maps();
  AttentionSelection s;
  s.block = 0;
  s.part = "diff_cross_attn";
  s.head = 2;
  for (auto kind : {AttentionKind::Softmax1, AttentionKind::Softmax2, AttentionKind::Difference}) {
    s.kind = kind;
    const auto m = attentionMatrix(all, s);
    EXPECT_EQ(m.mapsAveraged, 1);
    for (int r = 0; r < 5; ++r)
      for (int c = 0; c < 5; ++c) {
        const double a = all[1].at1(2, r, c), b = all[1].at2(2, r, c);
        const double expected = kind == AttentionKind::Softmax1 ? a : kind == AttentionKind::Softmax2 ? b : a - 0.8 * b;
        EXPECT_NEAR(m.values(r, c), expected, 1e-7) << r << "," << c;
      }
  }
}

TEST(AttentionSummary, MeanOverHeadsAndCells) {
  const auto all = maps();
  AttentionSelection s;
  s.block = 1;
  s.part = "diff_self_attn";
  s.head = -1;
  s.kind = AttentionKind::Difference;
  const auto m = attentionMatrix(all, s);
  EXPECT_EQ(m.mapsAveraged, 2);
  EXPECT_NEAR(m.lambda, 0.6, 1e-12);
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 5; ++c) {
      double sum = 0;
      for (int k : {2, 3})
        for (int h = 0; h < 3; ++h) sum += all[k].at1(h, r, c) - all[k].lambda * all[k].at2(h, r, c);
      EXPECT_NEAR(m.values(r, c), sum / 6, 1e-7);
    }
  s.cell = 7;
  const auto one = attentionMatrix(all, s);
  EXPECT_EQ(one.mapsAveraged, 1);
  EXPECT_NEAR(one.lambda, 0.7, 1e-12);
}

TEST(AttentionSummary, BadSelectionsAreInputErrors) {
  const auto all = maps();
  AttentionSelection s;
  s.block = 5;
  EXPECT_THROW(attentionMatrix(all, s), InputError);
  s.block = 0;
  s.head = 3;
  EXPECT_THROW(attentionMatrix(all, s), InputError);
  s.head = 0;
  s.cell = 99;
  EXPECT_THROW(attentionMatrix(all, s), InputError);
  EXPECT_THROW(attentionMatrix({}, AttentionSelection()), InputError);
}

TEST(AttentionSummary, ReceivedIsTheMeanOfTheQueryRows) {
  Eigen::MatrixXd m(3, 4);
  m << 1, 2, 3, 4,  //
      5, 6, 7, 8,   //
      0, 0, 9, 0;
  const Eigen::VectorXd fromRows = attentionReceived(m, {0, 2});
  EXPECT_EQ(fromRows, Eigen::Vector4d(0.5, 1, 6, 2));
  const Eigen::VectorXd fromAll = attentionReceived(m, {});
  EXPECT_EQ(fromAll, Eigen::Vector4d(2, 8.0 / 3, 19.0 / 3, 4));
  EXPECT_THROW(attentionReceived(m, {3}), InputError);
  EXPECT_EQ(topAttended(fromRows, 2), (std::vector<int>{2, 3}));
  EXPECT_EQ(topAttended(fromRows, 2, {2}), (std::vector<int>{3, 1}));
}
