// Files written by Python (anndata 0.8 for the current encodings, h5py
// mimicking the 0.7 and 0.5/0.6 layouts) must read back as the values that
// numpy/pandas computed when writing them (tests/core/io/h5ad_fixtures.py).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "core/io/H5adReader.h"
#include "core/util/Error.h"

using namespace scdfm;
using nlohmann::json;

namespace {

class H5adPythonFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test::pythonHas("anndata")) {
      skipReason_ = "python3 has no anndata module (apt install python3-anndata)";
      return;
    }
    dir_ = test::scratchDir("h5ad_python_files");
    auto r = test::runCommand(test::python() + " " + SCDFM_TEST_SOURCE_DIR + "/tests/core/io/h5ad_fixtures.py " + dir_);
    if (r.exitCode != 0) {
      generationError_ = r.output;
      return;
    }
    std::ifstream in(dir_ + "/expected.json");
    expected_ = json::parse(in);
  }
  void SetUp() override {
    if (!skipReason_.empty()) GTEST_SKIP() << skipReason_;
    ASSERT_TRUE(generationError_.empty()) << generationError_;
  }
  static std::string file(const std::string& name) { return dir_ + "/" + name + ".h5ad"; }

  static void expectMatrix(const RowMatrixF& got, const json& want, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_EQ(got.rows(), static_cast<std::int64_t>(want.size()));
    for (std::size_t r = 0; r < want.size(); ++r) {
      ASSERT_EQ(got.cols(), static_cast<std::int64_t>(want[r].size()));
      for (std::size_t c = 0; c < want[r].size(); ++c) {
        const double w = want[r][c].get<double>();
        EXPECT_NEAR(got(r, c), w, 1e-6 * std::max(1.0, std::fabs(w))) << "at " << r << "," << c;
      }
    }
  }

  static void expectFrame(const DataFrame& df, const json& index, const json& cols, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(df.index, index.get<std::vector<std::string>>());
    EXPECT_EQ(df.columns.size(), cols.size());
    for (auto it = cols.begin(); it != cols.end(); ++it) {
      SCOPED_TRACE(it.key());
      const Column* c = df.find(it.key());
      ASSERT_NE(c, nullptr);
      const auto& w = it.value();
      const auto& vals = w["values"];
      ASSERT_EQ(c->size(), vals.size());
      const std::string kind = w["kind"];
      if (kind == "categorical") {
        EXPECT_EQ(c->kind, Column::Kind::Categorical);
        EXPECT_EQ(c->categories, w["categories"].get<std::vector<std::string>>());
      } else if (kind == "string") {
        EXPECT_EQ(c->kind, Column::Kind::String);
      }
      for (std::size_t i = 0; i < vals.size(); ++i) {
        if (vals[i].is_null()) {
          EXPECT_TRUE(c->isMissing(i)) << "row " << i;
        } else if (kind == "number") {
          EXPECT_NEAR(c->number(i), vals[i].get<double>(), 1e-6) << "row " << i;
        } else {
          EXPECT_EQ(c->text(i), vals[i].get<std::string>()) << "row " << i;
        }
      }
    }
  }

  void checkFile(const std::string& name, const std::string& generation) {
    SCOPED_TRACE(name);
    const json& w = expected_.at(name);
    H5adReader r(file(name));
    EXPECT_EQ(r.summary().anndataGeneration, generation);
    expectFrame(r.obs(), w["obs_index"], w["obs"], "obs");
    expectFrame(r.var(), w["var_index"], w["var"], "var");
    if (w["X"].is_null()) {
      EXPECT_FALSE(r.summary().hasX);
    } else {
      ASSERT_TRUE(r.summary().hasX);
      RowMatrixF full = r.readX().toDense();
      expectMatrix(full, w["X"], "X");
      const std::vector<std::int64_t> rows{8, 0, 4, 4, 2};
      RowMatrixF sub = r.readXRows(rows).toDense();
      ASSERT_EQ(sub.rows(), 5);
      for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(sub.row(i), full.row(rows[i])) << "subset row " << i;
    }
    for (auto it = w["obsm"].begin(); it != w["obsm"].end(); ++it)
      expectMatrix(r.readObsm(it.key()), it.value(), "obsm/" + it.key());
    for (auto it = w["layers"].begin(); it != w["layers"].end(); ++it)
      expectMatrix(r.readLayer(it.key()).toDense(), it.value(), "layers/" + it.key());
    json uns = r.readUns();
    for (auto it = w["uns"].begin(); it != w["uns"].end(); ++it) EXPECT_EQ(uns[it.key()], it.value()) << it.key();
    AnnData all = r.readAll();
    EXPECT_EQ(all.nObs(), static_cast<std::int64_t>(w["obs_index"].size()));
  }

  static inline std::string dir_, skipReason_, generationError_;
  static inline json expected_;
};

}  // namespace

TEST_F(H5adPythonFiles, Anndata08CsrWithEveryColumnKind) {
  checkFile("v08_csr", "0.8+");
  H5adReader r(file("v08_csr"));
  const Column& dose = r.obs().at("dose");  // numeric categories
  EXPECT_EQ(dose.categories, (std::vector<std::string>{"0.1", "1", "10"}));
  EXPECT_EQ(r.obs().at("batch_i").kind, Column::Kind::Int);
  EXPECT_EQ(r.obs().at("flag_b").kind, Column::Kind::Bool);
  EXPECT_EQ(r.obs().at("is_ctrl").kind, Column::Kind::Bool);
  EXPECT_EQ(r.summary().obsm, (std::vector<std::string>{"X_pca", "X_umap"}));
  EXPECT_EQ(r.readLayer("counts_csc").encoding, MatrixEncoding::Csc);
  EXPECT_EQ(r.readVarm("PCs").rows(), 6);
}
TEST_F(H5adPythonFiles, Int64IndexArrays) { checkFile("v08_int64", "0.8+"); }
TEST_F(H5adPythonFiles, GzipShuffleFletcherSmallChunks) { checkFile("v08_gzip_chunks", "0.8+"); }
TEST_F(H5adPythonFiles, CscX) { checkFile("v08_csc", "0.8+"); }
TEST_F(H5adPythonFiles, DenseFloat64Gzip) { checkFile("v08_dense64", "0.8+"); }
TEST_F(H5adPythonFiles, DenseInt) {
  checkFile("v08_denseint", "0.8+");
  EXPECT_EQ(H5adReader(file("v08_denseint")).summary().xDtype, "int32");
}
TEST_F(H5adPythonFiles, NoX) { checkFile("v08_nox", "0.8+"); }
TEST_F(H5adPythonFiles, LzfCompressed) { checkFile("v08_lzf", "0.8+"); }
TEST_F(H5adPythonFiles, Anndata07CategoriesSubgroupAndLzf) { checkFile("v07", "0.7"); }
TEST_F(H5adPythonFiles, Anndata06PackedTablesAndH5sparse) {
  checkFile("v06", "0.6");
  json uns = H5adReader(file("v06")).readUns();
  EXPECT_FALSE(uns.contains("condition_categories")) << "category lists become columns, not uns entries";
}
