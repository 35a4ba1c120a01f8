// `scdfm info` end to end on files written by Python's anndata.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "TestSupport.h"

using namespace scdfm;

namespace {

std::string scdfmBin() { return test::binDir() + "/scdfm"; }

// Norman-like: GEARS labels, ctrl not category code 0, two cell types,
// Ensembl var index with gene_symbols, X_umap. Ground truth: 4 control cells,
// KLF1 (3 cells), KLF1+MAP2K6 (2), CEBPA (1).
std::string writeNorman(const std::string& dir) {
  std::string code = R"PY(
import numpy as np, pandas as pd, anndata as ad, scipy.sparse as sp
cond = ['KLF1+ctrl', 'ctrl', 'MAP2K6+KLF1', 'ctrl', 'KLF1+ctrl', 'ctrl+CEBPA', 'KLF1+MAP2K6', 'ctrl', 'KLF1+ctrl', 'ctrl']
X = np.zeros((10, 6), np.float32); X[np.arange(10), np.arange(10) % 6] = 1; X[:, 3] += 2
obs = pd.DataFrame({'condition': pd.Categorical(cond, categories=['KLF1+ctrl', 'MAP2K6+KLF1', 'ctrl', 'ctrl+CEBPA', 'KLF1+MAP2K6']),
                    'cell_type': pd.Categorical(['K562'] * 6 + ['HepG2'] * 4), 'n_counts': X.sum(1)},
                   index=['c%d' % i for i in range(10)])
var = pd.DataFrame({'gene_symbols': ['KLF1', 'MAP2K6', 'CEBPA', 'GAPDH', 'ACTB', 'TP53']},
                   index=['ENSG00000105610', 'ENSG00000108984', 'ENSG00000245848', 'ENSG00000111640', 'ENSG00000075624', 'ENSG00000141510'])
a = ad.AnnData(X=sp.csr_matrix(X), obs=obs, var=var)
a.obsm['X_umap'] = np.zeros((10, 2), np.float32)
a.write_h5ad('PATH')
)PY";
  const std::string path = dir + "/norman.h5ad";
  code.replace(code.find("PATH"), 4, path);
  auto r = test::runPython(code);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return path;
}

// sci-Plex-like: drug names + numeric dose, 'Vehicle' control, dense X.
std::string writeSciplex(const std::string& dir) {
  std::string code = R"PY(
import numpy as np, pandas as pd, anndata as ad
drug = ['Vehicle', 'Dexamethasone', 'Dexamethasone', 'Dexamethasone', 'Belinostat', 'Vehicle']
obs = pd.DataFrame({'product_name': pd.Categorical(drug), 'dose': [0.0, 10.0, 100.0, 100.0, 10.0, 0.0],
                    'cell_line': pd.Categorical(['A549'] * 3 + ['MCF7'] * 3)}, index=['c%d' % i for i in range(6)])
a = ad.AnnData(X=np.ones((6, 3), np.float32), obs=obs, var=pd.DataFrame(index=['G1', 'G2', 'G3']))
a.write_h5ad('PATH')
)PY";
  const std::string path = dir + "/sciplex.h5ad";
  code.replace(code.find("PATH"), 4, path);
  auto r = test::runPython(code);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return path;
}

// The simulator's layout written by Python: one `condition` column mixing GEARS
// gene labels and drug names, `perturbation_type`, numeric `dose` (0 for
// control/gene rows), uns dose_unit = "nM". With `withType` false the type
// column is left out (the doses alone tell drugs from genes). Ground truth:
// 2 control cells; genes G1 (2 cells), G1+G2 (1); drugs Simuparib@100 (2),
// Simuparib@1000 (1), DrugA@10 (1), DrugA@10+DrugB@10 (2).
std::string writeMixed(const std::string& dir, bool withType) {
  std::string code = R"PY(
import numpy as np, pandas as pd, anndata as ad
rows = [('Simuparib', 'drug', 100.0), ('ctrl', 'control', 0.0), ('G1+ctrl', 'gene', 0.0), ('Simuparib', 'drug', 1000.0),
        ('G1+G2', 'gene', 0.0), ('DrugA+DrugB', 'drug', 10.0), ('Simuparib', 'drug', 100.0), ('ctrl+G1', 'gene', 0.0),
        ('DrugA', 'drug', 10.0), ('DrugA+DrugB', 'drug', 10.0), ('ctrl', 'control', 0.0)]
cols = {'condition': pd.Categorical([r[0] for r in rows])}
if WITH_TYPE: cols['perturbation_type'] = pd.Categorical([r[1] for r in rows])
cols['dose'] = np.array([r[2] for r in rows])
obs = pd.DataFrame(cols, index=['c%d' % i for i in range(len(rows))])
a = ad.AnnData(X=np.ones((len(rows), 3), np.float32), obs=obs, var=pd.DataFrame(index=['G1', 'G2', 'G3']))
a.uns['dose_unit'] = 'nM'
a.write_h5ad('PATH')
)PY";
  const std::string path = dir + (withType ? "/mixed.h5ad" : "/mixed_untyped.h5ad");
  code.replace(code.find("WITH_TYPE"), 9, withType ? "True" : "False");
  code.replace(code.find("PATH"), 4, path);
  auto r = test::runPython(code);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return path;
}

}  // namespace

TEST(InfoCommand, MixedGeneAndDrugConditionsInOneColumn) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string dir = test::scratchDir("info_mixed");
  for (bool withType : {true, false}) {
    SCOPED_TRACE(withType ? "with perturbation_type" : "doses only");
    const std::string path = writeMixed(dir, withType);
    auto r = test::runCommand(scdfmBin() + " info --json --top 20 " + path + " 2>/dev/null");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    auto j = nlohmann::json::parse(r.output);
    EXPECT_EQ(j["roles"]["format"], "gears");
    EXPECT_EQ(j["roles"]["kinds_per_row"], true);
    EXPECT_EQ(j["roles"]["dose"], "dose");
    EXPECT_EQ(j["roles"]["dose_unit"], "nM");  // from uns
    const auto& p = j["perturbations"];
    EXPECT_EQ(p["n_control_cells"], 2);
    EXPECT_EQ(p["n_conditions"], 6);
    EXPECT_EQ(p["n_gene_conditions"], 2);
    EXPECT_EQ(p["n_drug_conditions"], 4);
    EXPECT_EQ(p["n_combinations"], 2);
    EXPECT_EQ(p["n_distinct_genes"], 2);
    EXPECT_EQ(p["n_distinct_drugs"], 3);
    EXPECT_EQ(p["doses"], nlohmann::json::array({10.0, 100.0, 1000.0}));
    std::map<std::string, int> cells;
    std::map<std::string, std::string> kinds;
    for (const auto& e : p["top_conditions"]) {
      cells[e["key"]] = e["n_cells"];
      kinds[e["key"]] = e["kind"];
    }
    const std::map<std::string, int> expected{{"G1", 2},           {"G1+G2", 1},          {"Simuparib@100", 2},
                                              {"Simuparib@1000", 1}, {"DrugA@10", 1}, {"DrugA@10+DrugB@10", 2}};
    EXPECT_EQ(cells, expected);
    EXPECT_EQ(kinds["G1"], "gene");
    EXPECT_EQ(kinds["DrugA@10+DrugB@10"], "drug");
    ASSERT_EQ(p["drugs"].size(), 3u);
    EXPECT_EQ(p["drugs"][2]["name"], "Simuparib");
    EXPECT_EQ(p["drugs"][2]["doses"], nlohmann::json::array({100.0, 1000.0}));
  }
  auto r = test::runCommand(scdfmBin() + " info " + dir + "/mixed.h5ad");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("gene or drug per cell"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Simuparib @ 100/1000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("conditions: 6 (4 single, 2 combinations; 2 gene, 4 drug)"), std::string::npos) << r.output;
}

TEST(InfoCommand, TextOutputDescribesNormanLikeFile) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string path = writeNorman(test::scratchDir("info_text"));
  auto r = test::runCommand(scdfmBin() + " info " + path);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const std::string& o = r.output;
  EXPECT_NE(o.find("shape: 10 cells x 6 genes"), std::string::npos) << o;
  EXPECT_NE(o.find("X: csr float32, nnz 18"), std::string::npos) << o;  // 10 ones + column 3, 2 overlap
  EXPECT_NE(o.find("condition"), std::string::npos);
  EXPECT_NE(o.find("categorical (5 categories)"), std::string::npos) << o;
  EXPECT_NE(o.find("gene names: var['gene_symbols']"), std::string::npos) << o;
  EXPECT_NE(o.find("conditions: 3 (2 single, 1 combination;"), std::string::npos) << o;
  EXPECT_NE(o.find("control cells: 4"), std::string::npos) << o;
  EXPECT_NE(o.find("cell types: 2 (HepG2, K562)"), std::string::npos) << o;
  EXPECT_NE(o.find("embeddings (obsm): X_umap"), std::string::npos) << o;
  // The largest condition first.
  const auto klf1 = o.find("    KLF1 ");
  const auto combo = o.find("    KLF1+MAP2K6");
  ASSERT_NE(klf1, std::string::npos) << o;
  ASSERT_NE(combo, std::string::npos) << o;
  EXPECT_LT(klf1, combo);
}

TEST(InfoCommand, JsonOutputAndOverrides) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string dir = test::scratchDir("info_json");
  const std::string path = writeNorman(dir);
  auto r = test::runCommand(scdfmBin() + " info --json " + path + " 2>/dev/null");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["n_obs"], 10);
  EXPECT_EQ(j["n_vars"], 6);
  EXPECT_EQ(j["X"]["encoding"], "csr");
  EXPECT_EQ(j["X"]["nnz"], 18);
  EXPECT_NEAR(j["X"]["density"].get<double>(), 18.0 / 60.0, 1e-12);
  EXPECT_EQ(j["roles"]["condition"], "condition");
  EXPECT_EQ(j["roles"]["format"], "gears");
  EXPECT_EQ(j["roles"]["cell_type"], "cell_type");
  const auto& p = j["perturbations"];
  EXPECT_EQ(p["n_conditions"], 3);
  EXPECT_EQ(p["n_singles"], 2);
  EXPECT_EQ(p["n_combinations"], 1);
  EXPECT_EQ(p["n_control_cells"], 4);
  EXPECT_EQ(p["n_cell_types"], 2);
  ASSERT_GE(p["top_conditions"].size(), 1u);
  EXPECT_EQ(p["top_conditions"][0]["key"], "KLF1");
  EXPECT_EQ(p["top_conditions"][0]["n_cells"], 3);
  EXPECT_EQ(p["top_conditions"][0]["cells_by_cell_type"]["HepG2"], 1);
  EXPECT_EQ(j["embeddings"], nlohmann::json::array({"X_umap"}));
  bool conditionColumnListed = false;
  for (const auto& c : j["obs_columns"])
    if (c["name"] == "condition") conditionColumnListed = c["type"] == "categorical" && c["n_categories"] == 5;
  EXPECT_TRUE(conditionColumnListed);

  // Overrides: no cell type column; KLF1+ctrl counted as control via a custom label.
  r = test::runCommand(scdfmBin() + " info --json --cell-type-col none --control-label ctrl,KLF1+ctrl " + path +
                       " 2>/dev/null");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["roles"]["cell_type"], "");
  EXPECT_EQ(j["perturbations"]["n_cell_types"], 0);
  EXPECT_TRUE(j["perturbations"]["top_conditions"][0]["cells_by_cell_type"].empty());
  EXPECT_EQ(j["perturbations"]["n_control_cells"], 7);

  // Sci-Plex-like drugs with doses.
  r = test::runCommand(scdfmBin() + " info --json " + writeSciplex(dir) + " 2>/dev/null");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["X"]["encoding"], "dense");
  EXPECT_EQ(j["roles"]["format"], "drug");
  EXPECT_EQ(j["roles"]["dose"], "dose");
  EXPECT_EQ(j["perturbations"]["n_drug_conditions"], 3);
  EXPECT_EQ(j["perturbations"]["n_control_cells"], 2);
  EXPECT_EQ(j["perturbations"]["doses"], nlohmann::json::array({10.0, 100.0}));
  EXPECT_EQ(j["perturbations"]["top_conditions"][0]["key"], "Dexamethasone@100");
}

TEST(InfoCommand, BadInputExitsWithCode2AndAMessage) {
  const std::string dir = test::scratchDir("info_bad");
  auto r = test::runCommand(scdfmBin() + " info " + dir + "/missing.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("missing.h5ad"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("error"), std::string::npos) << r.output;

  std::ofstream(dir + "/notes.h5ad") << "this is not an HDF5 file\n";
  r = test::runCommand(scdfmBin() + " info " + dir + "/notes.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("notes.h5ad"), std::string::npos) << r.output;

  if (test::pythonHas("h5py")) {
    // Valid HDF5, but not AnnData.
    auto p = test::runPython("import h5py, numpy as np\nwith h5py.File('" + dir +
                             "/plain.h5', 'w') as f: f['values'] = np.arange(3)\n");
    ASSERT_EQ(p.exitCode, 0) << p.output;
    r = test::runCommand(scdfmBin() + " info " + dir + "/plain.h5");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("plain.h5"), std::string::npos) << r.output;
  }
  if (test::pythonHas("anndata")) {
    r = test::runCommand(scdfmBin() + " info --condition-col conditon " + writeNorman(dir));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("'conditon'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Closest columns: condition"), std::string::npos) << r.output;
  }
}
