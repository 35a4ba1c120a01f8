// Graph neighbourhood: neighbours are the allowed edges of the mask row (special
// tokens and the gene itself excluded), correlations equal numpy's corrcoef of
// the expression columns, sorted by |r| and limited.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "EvalTestSupport.h"
#include "core/eval/GeneNeighbourhood.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

namespace {
// Vocabulary: 4 specials then A..H sorted. Expression columns in another order, without H.
struct Graph {
  std::vector<std::string> vocab{"<pad>", "<cls>", "<mask>", "control", "A", "B", "C", "D", "E", "F", "G", "H"};
  std::vector<std::string> exprGenes{"G", "B", "A", "F", "C", "E", "D"};
  RawTensor mask;
  RowMatrixF expr;
};

Graph graph() {
  Graph g;
  const std::int64_t M = 12;
  g.mask.dtype = DType::BOOL;
  g.mask.shape = {M, M};
  g.mask.data.assign(M * M, 1);
  auto allow = [&](int i, int j) {
    g.mask.data[i * M + j] = 0;
    g.mask.data[j * M + i] = 0;
  };
  for (int i = 0; i < M; ++i) allow(i, i);  // the authors' quirk: diagonal allowed, specials included
  // A (4) — B, C, D, E, H;  B (5) — F;  A — control (3) must be ignored.
  for (int j : {5, 6, 7, 8, 11}) allow(4, j);
  allow(5, 9);
  allow(4, 3);
  // Expression with correlations of both signs: latent factor z.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> n(0, 1);
  g.expr.resize(80, 7);
  for (int i = 0; i < 80; ++i) {
    const double z = n(rng);
    const double a = z + 0.3 * n(rng);
    g.expr(i, 2) = a;                         // A
    g.expr(i, 1) = 0.9 * z + 0.4 * n(rng);   // B  (+)
    g.expr(i, 4) = -0.5 * z + n(rng);        // C  (−, weaker)
    g.expr(i, 6) = -z + 0.2 * n(rng);        // D  (−, strong)
    g.expr(i, 5) = n(rng);                   // E  (≈ 0)
    g.expr(i, 3) = 0.2 * z + n(rng);         // F
    g.expr(i, 0) = n(rng);                   // G
  }
  return g;
}
}  // namespace

TEST(GeneNeighbourhood, NeighboursAndCorrelationsMatchNumpy) {
  SCDFM_REQUIRE_PYTHON();
  const Graph g = graph();
  const auto hood = geneNeighbourhood(g.mask, g.vocab, g.expr, g.exprGenes, {"A", "B", "ZZZ"});
  ASSERT_EQ(hood.centres.size(), 2u);
  EXPECT_EQ(hood.notInGraph, std::vector<std::string>{"ZZZ"});
  const auto& a = hood.centres[0];
  EXPECT_EQ(a.gene, "A");
  EXPECT_EQ(a.neighboursInGraph, 5);
  ASSERT_EQ(a.neighbours.size(), 5u);
  // Sorted by |r|: D, B strongest; H has no expression column → NaN, last.
  EXPECT_EQ(a.neighbours.back().gene, "H");
  EXPECT_TRUE(std::isnan(a.neighbours.back().correlation));
  for (std::size_t i = 1; i + 1 < a.neighbours.size(); ++i)
    EXPECT_GE(std::fabs(a.neighbours[i - 1].correlation), std::fabs(a.neighbours[i].correlation));

  const std::string dir = test::scratchDir("gene_neighbourhood");
  evaltest::writeMatrix(dir + "/x.txt", g.expr);
  // Columns: G B A F C E D → r(A, ·) for B, C, D, E and r(B, F).
  const auto ref = evaltest::python(dir,
                                    "x = load('x.txt')\nc = np.corrcoef(x.T)\n"
                                    "out(c[2, 1], c[2, 4], c[2, 6], c[2, 5], c[1, 3])\n");
  ASSERT_EQ(ref.size(), 5u);
  auto r = [&](const CentreNeighbourhood& c, const std::string& gene) {
    for (const auto& n : c.neighbours)
      if (n.gene == gene) return n.correlation;
    ADD_FAILURE() << gene << " not a neighbour of " << c.gene;
    return 0.0;
  };
  EXPECT_TRUE(close(r(a, "B"), ref[0], 1e-9, 1e-12));
  EXPECT_TRUE(close(r(a, "C"), ref[1], 1e-9, 1e-12));
  EXPECT_TRUE(close(r(a, "D"), ref[2], 1e-9, 1e-12));
  EXPECT_TRUE(close(r(a, "E"), ref[3], 1e-9, 1e-12));
  EXPECT_LT(r(a, "D"), 0);
  EXPECT_GT(r(a, "B"), 0);
  const auto& b = hood.centres[1];
  EXPECT_EQ(b.gene, "B");
  ASSERT_EQ(b.neighbours.size(), 2u);  // A and F (not itself)
  EXPECT_TRUE(close(r(b, "F"), ref[4], 1e-9, 1e-12));
}

TEST(GeneNeighbourhood, LimitKeepsTheStrongest) {
  const Graph g = graph();
  NeighbourhoodOptions o;
  o.maxNeighbours = 2;
  const auto hood = geneNeighbourhood(g.mask, g.vocab, g.expr, g.exprGenes, {"A"}, o);
  ASSERT_EQ(hood.centres[0].neighbours.size(), 2u);
  EXPECT_EQ(hood.centres[0].neighboursInGraph, 5);
  std::set<std::string> top{hood.centres[0].neighbours[0].gene, hood.centres[0].neighbours[1].gene};
  EXPECT_EQ(top, (std::set<std::string>{"B", "D"}));
}

TEST(GeneNeighbourhood, CentreWithoutExpressionAndBadInput) {
  const Graph g = graph();
  const auto hood = geneNeighbourhood(g.mask, g.vocab, g.expr, g.exprGenes, {"H"});
  ASSERT_EQ(hood.centres.size(), 1u);
  EXPECT_FALSE(hood.centres[0].expressed);
  ASSERT_EQ(hood.centres[0].neighbours.size(), 1u);  // A
  EXPECT_TRUE(std::isnan(hood.centres[0].neighbours[0].correlation));

  RawTensor notSquare = g.mask;
  notSquare.shape = {6, 24};
  EXPECT_THROW(geneNeighbourhood(notSquare, g.vocab, g.expr, g.exprGenes, {"A"}), InputError);
  auto shortVocab = g.vocab;
  shortVocab.resize(8);
  EXPECT_THROW(geneNeighbourhood(g.mask, shortVocab, g.expr, g.exprGenes, {"A"}), InputError);
  auto fewNames = g.exprGenes;
  fewNames.pop_back();
  EXPECT_THROW(geneNeighbourhood(g.mask, g.vocab, g.expr, fewNames, {"A"}), InputError);
  ModelCheckpoint noMask;
  try {
    geneNeighbourhood(noMask, "model.safetensors", g.expr, g.exprGenes, {"A"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "model.safetensors");
    EXPECT_NE(e.hint().find("--mask"), std::string::npos);
  }
}
