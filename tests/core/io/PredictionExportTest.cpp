// Prediction exports: the .h5ad opened by Python's anndata, the cells CSV and
// the per-gene summary compared with numpy, and failures that leave no file.
#include "core/io/PredictionExport.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "TestSupport.h"
#include "core/io/CsvWriter.h"
#include "core/util/Error.h"

using namespace scdfm;
namespace fs = std::filesystem;

namespace {

RowMatrixF randomCells(long cells, long genes, std::uint64_t seed, float shift) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<float> g(1.5f, 1.0f);
  RowMatrixF m(cells, genes);
  for (long i = 0; i < cells; ++i)
    for (long j = 0; j < genes; ++j) m(i, j) = g(rng) + shift * static_cast<float>(j % 3);
  return m;
}

RowMatrixF randomUmap(long cells, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 3.0f);
  RowMatrixF m(cells, 2);
  for (long i = 0; i < cells; ++i) m(i, 0) = n(rng), m(i, 1) = n(rng);
  return m;
}

CellBlock block(ExportedCellKind kind, const std::string& condition, long cells, std::uint64_t seed, float shift) {
  CellBlock b;
  b.kind = kind;
  b.condition = condition;
  b.cellType = "K562";
  b.cells = randomCells(cells, 5, seed, shift);
  b.umap = randomUmap(cells, seed + 100);
  for (long i = 0; i < cells; ++i) b.cellNames.push_back(condition + "_cell" + std::to_string(i));
  return b;
}

// Control (20 cells), KLF1 predicted (12) + observed (15), KLF1+MAP2K6 predicted (12, not observed).
PredictionExport sample() {
  PredictionExport p;
  p.genes = {"KLF1", "MAP2K6", "GENE,WITH,COMMAS", "quote\"d", "CEBPA"};
  p.blocks.push_back(block(ExportedCellKind::Control, "ctrl", 20, 1, 0.0f));
  auto pred = block(ExportedCellKind::Predicted, "KLF1", 12, 2, 0.5f);
  pred.cellNames.clear();  // generated names
  pred.seed = 7;
  for (int i = 0; i < 12; ++i) pred.controlCells.push_back("ctrl_cell" + std::to_string(i));
  p.blocks.push_back(pred);
  p.blocks.push_back(block(ExportedCellKind::Observed, "KLF1", 15, 3, 0.4f));
  auto pair = block(ExportedCellKind::Predicted, "KLF1+MAP2K6", 12, 4, 1.0f);
  pair.seed = 7;
  pair.controlCells = std::vector<std::string>(12, "ctrl_cell3");
  p.blocks.push_back(pair);
  p.provenance.checkpoint = "model.safetensors";
  p.provenance.dataFile = "demo.h5ad";
  p.provenance.context = "K562";
  p.provenance.cells = 12;
  p.provenance.solver = "rk4";
  p.provenance.timePoints = 20;
  p.provenance.seed = 7;
  p.provenance.notes["KLF1+MAP2K6"] = {"unseen combination"};
  return p;
}

// Raw little-endian float32 files numpy reads with np.fromfile.
void writeRaw(const std::string& path, const RowMatrixF& m) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(float)));
}

bool pythonReady() {
  static const bool ok = test::pythonHas("anndata") && test::pythonHas("pandas");
  return ok;
}

std::vector<std::string> filesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Drops root's privileges for the scope (root writes into read-only folders).
class AsUnprivilegedUser {
 public:
  AsUnprivilegedUser() : wasRoot_(::geteuid() == 0) {
    if (wasRoot_) EXPECT_EQ(::seteuid(65534), 0);  // nobody
  }
  ~AsUnprivilegedUser() {
    if (wasRoot_) EXPECT_EQ(::seteuid(0), 0);
  }

 private:
  bool wasRoot_;
};

}  // namespace

TEST(Csv, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csvField("KLF1"), "KLF1");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
  std::ostringstream s;
  CsvWriter csv(s);
  csv.field("x").number(0.1f).number(std::nan("")).number(std::int64_t{-3}).number(1e-300);
  csv.endRow();
  EXPECT_EQ(s.str(), "x,0.1,,-3,1e-300\n");
}

TEST(PredictionExport, AnnDataOpensInPythonWithLabelsUmapAndProvenance) {
  if (!pythonReady()) GTEST_SKIP() << "python3 with anndata needed";
  const auto dir = test::scratchDir("export_h5ad");
  const auto p = sample();
  writePredictionH5ad(dir + "/pred.h5ad", p);
  ExportSelection predictedOnly;
  predictedOnly.controls = predictedOnly.observed = false;
  predictedOnly.umap = false;
  writePredictionH5ad(dir + "/pred_only.h5ad", p, predictedOnly);
  RowMatrixF X(59, 5), U(59, 2);
  long at = 0;
  for (const auto& b : p.blocks) {
    X.middleRows(at, b.cells.rows()) = b.cells;
    U.middleRows(at, b.cells.rows()) = b.umap;
    at += b.cells.rows();
  }
  writeRaw(dir + "/X.f32", X);
  writeRaw(dir + "/U.f32", U);
  const auto r = test::runPython("D = '" + dir + R"PY('
import anndata, numpy as np
a = anndata.read_h5ad(D + '/pred.h5ad')
assert a.shape == (59, 5), a.shape
assert list(a.var_names) == ['KLF1', 'MAP2K6', 'GENE,WITH,COMMAS', 'quote"d', 'CEBPA'], list(a.var_names)
assert list(a.obs.columns) == ['condition', 'cell_type', 'kind', 'control_cell', 'seed'], list(a.obs.columns)
assert np.array_equal(a.X, np.fromfile(D + '/X.f32', dtype=np.float32).reshape(59, 5))
assert a.obsm['X_umap'].shape == (59, 2)
assert np.array_equal(a.obsm['X_umap'], np.fromfile(D + '/U.f32', dtype=np.float32).reshape(59, 2))
kind = list(a.obs['kind'])
assert kind == ['control'] * 20 + ['predicted'] * 12 + ['observed'] * 15 + ['predicted'] * 12, kind
assert list(a.obs['condition'][20:32]) == ['KLF1'] * 12
assert set(a.obs['cell_type']) == {'K562'}
assert a.obs_names[0] == 'ctrl_cell0' and a.obs_names[20] == 'predicted-KLF1-0', list(a.obs_names[:21])
cc = a.obs['control_cell']
assert cc.iloc[0] == 'ctrl_cell0' and cc.iloc[25] == 'ctrl_cell5' and cc.iloc[32] == '', list(cc)
seed = a.obs['seed']
assert seed[:20].isna().all() and (seed[20:32] == 7).all() and seed[32:47].isna().all(), seed
u = a.uns['scdfm_prediction']
assert u['checkpoint'] == 'model.safetensors' and u['data'] == 'demo.h5ad' and u['context'] == 'K562', u
assert u['cells'] == 12 and u['solver'] == 'rk4' and u['time_points'] == 20 and u['seed'] == 7, u
assert list(u['notes']['KLF1+MAP2K6']) == ['unseen combination'], u['notes']
b = anndata.read_h5ad(D + '/pred_only.h5ad')
assert b.shape == (24, 5) and 'X_umap' not in b.obsm and list(b.obs['kind'].cat.categories) == ['predicted']
print('ok')
)PY");
  EXPECT_EQ(r.exitCode, 0) << r.output;
}

TEST(PredictionExport, CellsCsvHoldsTheMatrices) {
  if (!pythonReady()) GTEST_SKIP() << "python3 with pandas needed";
  const auto dir = test::scratchDir("export_cells_csv");
  const auto p = sample();
  ExportSelection noControls;
  noControls.controls = false;
  writePredictionCellsCsv(dir + "/cells.csv", p, noControls);
  RowMatrixF X(39, 5);
  X << p.blocks[1].cells, p.blocks[2].cells, p.blocks[3].cells;
  writeRaw(dir + "/X.f32", X);
  const auto r = test::runPython("D = '" + dir + R"PY('
import pandas as pd, numpy as np
t = pd.read_csv(D + '/cells.csv')
assert list(t.columns) == ['cell', 'condition', 'cell_type', 'kind', 'KLF1', 'MAP2K6', 'GENE,WITH,COMMAS', 'quote"d', 'CEBPA'], list(t.columns)
assert len(t) == 39
X = np.fromfile(D + '/X.f32', dtype=np.float32).reshape(39, 5)
assert np.array_equal(t.iloc[:, 4:].to_numpy(dtype=np.float32), X)
assert list(t['kind'].unique()) == ['predicted', 'observed']
assert list(t['condition'][:12]) == ['KLF1'] * 12 and t['cell'].iloc[0] == 'predicted-KLF1-0' and t['cell'].iloc[12] == 'KLF1_cell0'
print('ok')
)PY");
  EXPECT_EQ(r.exitCode, 0) << r.output;
}

TEST(PredictionExport, SummaryMatchesNumpy) {
  if (!pythonReady()) GTEST_SKIP() << "python3 with pandas needed";
  const auto dir = test::scratchDir("export_summary");
  const auto p = sample();
  writePredictionSummaryCsv(dir + "/summary.csv", p);
  const char* names[] = {"ctrl", "pred_klf1", "obs_klf1", "pred_pair"};
  for (int i = 0; i < 4; ++i) writeRaw(dir + "/" + names[i] + ".f32", p.blocks[static_cast<std::size_t>(i)].cells);
  const auto r = test::runPython("D = '" + dir + R"PY('
import pandas as pd, numpy as np
def load(n, rows):
    return np.fromfile(D + '/' + n + '.f32', dtype=np.float32).reshape(rows, 5).astype(np.float64)
c, pk, ok, pp = load('ctrl', 20), load('pred_klf1', 12), load('obs_klf1', 15), load('pred_pair', 12)
t = pd.read_csv(D + '/summary.csv')
assert list(t.columns) == ['perturbation', 'cell_type', 'gene', 'control_mean', 'control_var', 'observed_mean',
    'observed_var', 'predicted_mean', 'predicted_var', 'delta_predicted', 'delta_observed'], list(t.columns)
assert len(t) == 10 and list(t['perturbation']) == ['KLF1'] * 5 + ['KLF1+MAP2K6'] * 5
assert list(t['gene'][:5]) == ['KLF1', 'MAP2K6', 'GENE,WITH,COMMAS', 'quote"d', 'CEBPA']
k, q = t[:5], t[5:]
close = lambda a, b: np.allclose(np.asarray(a, dtype=np.float64), b, rtol=1e-12, atol=1e-14)
assert close(k['control_mean'], c.mean(0)) and close(k['control_var'], c.var(0, ddof=1))
assert close(k['observed_mean'], ok.mean(0)) and close(k['observed_var'], ok.var(0, ddof=1))
assert close(k['predicted_mean'], pk.mean(0)) and close(k['predicted_var'], pk.var(0, ddof=1))
assert close(k['delta_predicted'], pk.mean(0) - c.mean(0)) and close(k['delta_observed'], ok.mean(0) - c.mean(0))
assert close(q['predicted_mean'], pp.mean(0)) and close(q['delta_predicted'], pp.mean(0) - c.mean(0))
assert q['observed_mean'].isna().all() and q['delta_observed'].isna().all() and q['observed_var'].isna().all()
print('ok')
)PY");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  // The summary needs the context's control cells.
  auto noControl = p;
  noControl.blocks.erase(noControl.blocks.begin());
  try {
    writePredictionSummaryCsv(dir + "/bad.csv", noControl);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("control cells of context 'K562'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir + "/bad.csv"));
}

TEST(PredictionExport, InconsistentBlocksAreRefused) {
  auto p = sample();
  p.blocks[2].umap.resize(0, 2);  // observed cells without coordinates
  try {
    predictionAnnData(p);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("X_umap"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("observed cells of 'KLF1'"), std::string::npos) << e.what();
  }
  ExportSelection noUmap;
  noUmap.umap = false;
  EXPECT_EQ(predictionAnnData(p, noUmap).obsm.count("X_umap"), 0u);
  p = sample();
  p.blocks[1].cells.conservativeResize(12, 4);
  EXPECT_THROW(predictionAnnData(p), InputError);
}

TEST(PredictionExport, UnwritableTargetsLeaveNoPartialFile) {
  const auto dir = test::scratchDir("export_readonly");
  const auto p = sample();
  const std::string ro = dir + "/read-only";
  fs::create_directories(ro);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read | fs::perms::others_exec);
  {
    AsUnprivilegedUser nobody;
    for (const std::string name : {"pred.h5ad", "cells.csv", "summary.csv"}) {
      const std::string path = ro + "/" + name;
      try {
        if (name == "pred.h5ad") writePredictionH5ad(path, p);
        if (name == "cells.csv") writePredictionCellsCsv(path, p);
        if (name == "summary.csv") writePredictionSummaryCsv(path, p);
        ADD_FAILURE() << "expected an InputError for " << path;
      } catch (const InputError& e) {
        EXPECT_EQ(e.file(), path);
        EXPECT_NE(std::string(e.what()).find("writable"), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_TRUE(filesIn(ro).empty());
  // A failure after the data is written (the target is a folder): the
  // temporary file is removed and the folder untouched.
  const std::string folder = dir + "/taken.csv";
  fs::create_directories(folder + "/inside");
  EXPECT_THROW(writePredictionCellsCsv(folder, p), InputError);
  EXPECT_THROW(writePredictionH5ad(folder, p), InputError);
  EXPECT_EQ(filesIn(dir).size(), 2u);  // read-only and taken.csv only
  EXPECT_TRUE(fs::is_directory(folder + "/inside"));
  fs::permissions(ro, fs::perms::owner_all);
}
