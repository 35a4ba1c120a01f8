#include <gtest/gtest.h>

#include <limits>

#include "DataTestUtil.h"
#include "core/data/ColumnRoles.h"
#include "core/data/PerturbationCatalog.h"
#include "core/util/Error.h"

using namespace scdfm;
using scdfm::test::categorical;
using scdfm::test::floats;
using scdfm::test::frame;
using scdfm::test::strings;

namespace {

// A Norman-like table: control is NOT category code 0 (first value is a perturbation).
DataFrame normanObs() {
  std::vector<std::string> cond{"KLF1+ctrl", "ctrl",       "ctrl",      "KLF1+ctrl", "MAP2K6+KLF1", "KLF1+MAP2K6",
                                "ctrl+CEBPA", "CEBPA+ctrl", "ctrl",      "",          "MAP2K6+ctrl", "ctrl"};
  std::vector<std::string> ct{"K562", "K562", "HepG2", "HepG2", "K562", "K562",
                              "K562", "K562", "K562",  "K562",  "K562", "K562"};
  // GEARS' dose_val ("1+1") is not a drug dose and must be ignored.
  std::vector<std::string> doseVal;
  for (const auto& c : cond) doseVal.push_back(c.find('+') != std::string::npos ? "1+1" : "1");
  return frame(cond.size(), {categorical("condition", cond), categorical("cell_type", ct),
                             floats("n_counts", std::vector<double>(cond.size(), 1000.0)),
                             categorical("dose_val", doseVal)});
}

DataFrame geneVar() {
  DataFrame var = frame(4, {}, "g");
  var.index = {"KLF1", "MAP2K6", "CEBPA", "GAPDH"};
  return var;
}

}  // namespace

TEST(ColumnRoles, DetectsGearsLayout) {
  auto det = detectColumnRoles(normanObs(), geneVar());
  EXPECT_EQ(det.roles.condition, "condition");
  EXPECT_EQ(det.roles.format, ConditionFormat::Gears);
  EXPECT_EQ(det.roles.cellType, "cell_type");
  EXPECT_EQ(det.roles.dose, "");
  EXPECT_NE(det.findings.at(2).why.find("dose_val"), std::string::npos);
  EXPECT_EQ(det.roles.geneNameColumn, "");
  EXPECT_FALSE(det.unsure());
  EXPECT_NE(det.findings.at(0).why.find("control label"), std::string::npos);
}

TEST(ColumnRoles, DetectsSciplexDrugLayoutAndUnit) {
  std::vector<std::string> drug{"Vehicle", "Dexamethasone", "Dexamethasone", "Belinostat", "Vehicle"};
  auto obs = frame(5, {categorical("product_name", drug), floats("dose", {0, 10, 100, 10, 0}),
                       categorical("cell_line", {"A549", "A549", "MCF7", "MCF7", "MCF7"})});
  auto det = detectColumnRoles(obs, geneVar());
  EXPECT_EQ(det.roles.condition, "product_name");
  EXPECT_EQ(det.roles.format, ConditionFormat::Drug);
  EXPECT_EQ(det.roles.dose, "dose");
  EXPECT_EQ(det.roles.cellType, "cell_line");

  // The same layout when the user names the condition column.
  ColumnRoleOverrides ov;
  ov.condition = "product_name";
  auto chosen = detectColumnRoles(obs, geneVar(), ov);
  EXPECT_EQ(chosen.roles.format, ConditionFormat::Drug);
  EXPECT_EQ(chosen.roles.dose, "dose");
  EXPECT_TRUE(chosen.findings.at(0).overridden);

  auto cat = PerturbationCatalog::build(obs, det.roles);
  auto s = cat.summary();
  EXPECT_EQ(s.nConditions, 3);
  EXPECT_EQ(s.nDrugConditions, 3);
  EXPECT_EQ(s.nDistinctDrugs, 2);
  EXPECT_EQ(s.nControlCells, 2);
  EXPECT_EQ(s.doses, (std::vector<double>{10, 100}));
  ASSERT_NE(cat.find("Dexamethasone@100"), nullptr);
  EXPECT_EQ(cat.cellsOf("Dexamethasone@100"), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(cat.controlCells("MCF7"), (std::vector<std::int64_t>{4}));
  // Several doses: the query must say which.
  EXPECT_THROW(cat.resolve("Dexamethasone"), InputError);
  EXPECT_EQ(cat.resolve("dexamethasone@10").key, "Dexamethasone@10");
  EXPECT_TRUE(cat.resolve("Belinostat").observed);  // one dose only: taken
  EXPECT_FALSE(cat.resolve("Belinostat+Dexamethasone@10").observed);
  EXPECT_THROW(cat.resolve("Dexamethasone@55"), InputError);
}

TEST(ColumnRoles, CombosciplexDrugColumnsAndUnitConversion) {
  auto obs = frame(4, {categorical("Drug1", {"control", "Panobinostat", "control", "Panobinostat"}),
                       categorical("Drug2", {"control", "Crizotinib", "Alvespimycin", "control"}),
                       strings("dose_nM", {"0", "10+100", "0+50", "10+0"})});
  auto det = detectColumnRoles(obs, geneVar());
  EXPECT_EQ(det.roles.condition, "Drug1");
  EXPECT_EQ(det.roles.secondCondition, "Drug2");
  EXPECT_EQ(det.roles.format, ConditionFormat::Drug);
  EXPECT_EQ(det.roles.dose, "dose_nM");
  EXPECT_EQ(det.roles.doseUnit, "nM");
  auto cat = PerturbationCatalog::build(obs, det.roles);
  EXPECT_NE(cat.find("Crizotinib@100+Panobinostat@10"), nullptr);
  EXPECT_NE(cat.find("Alvespimycin@50"), nullptr);
  EXPECT_NE(cat.find("Panobinostat@10"), nullptr);
  EXPECT_EQ(cat.summary().nCombinations, 1);
  EXPECT_EQ(cat.summary().nControlCells, 1);
  // 0.05 uM = 50 nM.
  EXPECT_EQ(cat.resolve("Alvespimycin@0.05uM").key, "Alvespimycin@50");
}

TEST(ColumnRoles, EnsemblIndexUsesSymbolColumn) {
  DataFrame var = frame(3, {strings("gene_ids", {"ENSG00000105610", "ENSG00000108984", "ENSG00000245848"}),
                            strings("gene_symbols", {"KLF1", "MAP2K6", "CEBPA"})});
  var.index = {"ENSG00000105610", "ENSG00000108984", "ENSG00000245848"};
  EXPECT_TRUE(looksLikeEnsemblIds(var.index));
  EXPECT_FALSE(looksLikeEnsemblIds({"KLF1", "ENSEMBLE"}));
  auto det = detectColumnRoles(normanObs(), var);
  EXPECT_EQ(det.roles.geneNameColumn, "gene_symbols");
}

TEST(ColumnRoles, OverridesWinAndUnknownColumnsAreNamed) {
  auto obs = normanObs();
  ColumnRoleOverrides ov;
  ov.cellType = "";
  auto det = detectColumnRoles(obs, geneVar(), ov);
  EXPECT_EQ(det.roles.cellType, "");
  ov.condition = "condition";
  EXPECT_EQ(detectColumnRoles(obs, geneVar(), ov).roles.format, ConditionFormat::Gears);
  ov.condition = "conditon";  // typo
  try {
    detectColumnRoles(obs, geneVar(), ov, "norman.h5ad");
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("norman.h5ad"), std::string::npos);
    EXPECT_NE(msg.find("'conditon'"), std::string::npos);
    EXPECT_NE(msg.find("condition"), std::string::npos);  // closest match suggested
  }
}

TEST(ColumnRoles, UnsureWhenNoUsualColumn) {
  auto obs = frame(8, {categorical("my_groups", {"Ctrl", "A", "B", "Ctrl", "A", "B", "Ctrl", "Ctrl"}),
                       categorical("batch", {"b1", "b1", "b2", "b2", "b1", "b1", "b2", "b2"})});
  auto det = detectColumnRoles(obs, geneVar());
  EXPECT_EQ(det.roles.condition, "my_groups");
  EXPECT_TRUE(det.unsure());
  auto none = detectColumnRoles(frame(2, {floats("x", {1, 2})}), geneVar());
  EXPECT_EQ(none.roles.condition, "");
  EXPECT_EQ(none.confidence, 0.0);
  auto cat = PerturbationCatalog::build(frame(2, {floats("x", {1, 2})}), none.roles);
  EXPECT_EQ(cat.summary().nUnlabelledCells, 2);
  EXPECT_TRUE(cat.entries().empty());
}

TEST(PerturbationCatalog, GearsCountsLookupsAndCells) {
  auto obs = normanObs();
  auto det = detectColumnRoles(obs, geneVar());
  auto cat = PerturbationCatalog::build(obs, det.roles, "norman.h5ad");
  // Ground truth counted by hand from normanObs().
  auto s = cat.summary();
  EXPECT_EQ(s.nConditions, 4);  // KLF1, CEBPA, MAP2K6, KLF1+MAP2K6
  EXPECT_EQ(s.nSingles, 3);
  EXPECT_EQ(s.nCombinations, 1);
  EXPECT_EQ(s.nGeneConditions, 4);
  EXPECT_EQ(s.nDrugConditions, 0);
  EXPECT_EQ(s.nControlCells, 4);
  EXPECT_EQ(s.nPerturbedCells, 7);
  EXPECT_EQ(s.nUnlabelledCells, 1);
  EXPECT_EQ(s.nCellTypes, 2);
  EXPECT_EQ(s.nDistinctGenes, 3);

  ASSERT_NE(cat.control(), nullptr);
  EXPECT_EQ(cat.entries().front().key, "ctrl");
  EXPECT_EQ(cat.controlCells(), (std::vector<std::int64_t>{1, 2, 8, 11}));
  EXPECT_EQ(cat.controlCells("HepG2"), (std::vector<std::int64_t>{2}));
  const CatalogEntry* klf1 = cat.find("KLF1");
  ASSERT_NE(klf1, nullptr);
  EXPECT_EQ(klf1->nCells, 2);
  EXPECT_EQ(klf1->cellsByCellType.at("K562"), 1);
  EXPECT_EQ(klf1->cellsByCellType.at("HepG2"), 1);
  const CatalogEntry* combo = cat.find("KLF1+MAP2K6");
  ASSERT_NE(combo, nullptr);
  EXPECT_EQ(combo->nCells, 2);
  EXPECT_EQ(combo->labels.size(), 2u);  // "MAP2K6+KLF1" and "KLF1+MAP2K6"
  EXPECT_EQ(cat.cellsOf("KLF1+MAP2K6"), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(cat.find("CEBPA")->nCells, 2);  // "ctrl+CEBPA" and "CEBPA+ctrl"
  EXPECT_EQ(cat.cellCondition()[9], -1);
  EXPECT_EQ(cat.cellTypeOf(2), "HepG2");

  auto top = cat.topConditions(2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0]->key, "CEBPA");  // 2 cells, ties by key
  EXPECT_EQ(top[1]->key, "KLF1");
}

TEST(PerturbationCatalog, ResolveAndUnknownNames) {
  auto obs = normanObs();
  auto cat = PerturbationCatalog::build(obs, detectColumnRoles(obs, geneVar()).roles, "norman.h5ad");
  EXPECT_TRUE(cat.resolve("ctrl").isControl());
  auto e = cat.resolve("klf1+map2k6");
  EXPECT_TRUE(e.observed);
  EXPECT_EQ(e.nCells, 2);
  auto unseen = cat.resolve("CEBPA+KLF1");
  EXPECT_FALSE(unseen.observed);
  EXPECT_EQ(unseen.key, "CEBPA+KLF1");
  EXPECT_EQ(unseen.nCells, 0);
  try {
    cat.resolve("KLF2+MAP2K6");
    FAIL();
  } catch (const InputError& err) {
    const std::string msg = err.what();
    EXPECT_NE(msg.find("'KLF2'"), std::string::npos);
    EXPECT_NE(msg.find("KLF1"), std::string::npos);  // closest match
    EXPECT_NE(msg.find("norman.h5ad"), std::string::npos);
  }
  EXPECT_THROW(cat.resolve("drug:KLF1"), InputError);  // KLF1 is a gene here
  EXPECT_THROW(cat.resolve("KLF1@10"), InputError);    // no doses in this data
  EXPECT_THROW(cat.cellsOf("KLF1", "Hela"), InputError);
  EXPECT_THROW(cat.cellsOf("NOPE"), InputError);
}

TEST(PerturbationCatalog, SearchRanksExactPrefixComponentSubstring) {
  auto obs = normanObs();
  auto cat = PerturbationCatalog::build(obs, detectColumnRoles(obs, geneVar()).roles);
  auto hits = cat.search("klf");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0]->key, "KLF1");          // key prefix
  EXPECT_EQ(hits[1]->key, "KLF1+MAP2K6");   // key prefix too; same count, by key
  hits = cat.search("MAP2K6");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0]->key, "MAP2K6");        // exact
  EXPECT_EQ(hits[1]->key, "KLF1+MAP2K6");   // component prefix
  hits = cat.search("2K");
  ASSERT_EQ(hits.size(), 2u);               // substring
  EXPECT_EQ(hits[0]->key, "KLF1+MAP2K6");   // more cells first
  EXPECT_EQ(cat.search("", 3).size(), 3u);
  EXPECT_EQ(cat.search("", 3)[0]->key, "ctrl");  // 4 cells, the largest
  EXPECT_TRUE(cat.search("zzz").empty());
}

TEST(PerturbationCatalog, ConfigurableControlLabelAndScPerturb) {
  auto obs = frame(5, {categorical("perturbation", {"AHR_FEV", "NegCtrl", "AHR", "NegCtrl", "FEV"})});
  ColumnRoleOverrides ov;
  ov.controlLabels = std::vector<std::string>{"negctrl"};
  auto det = detectColumnRoles(obs, geneVar(), ov);
  EXPECT_EQ(det.roles.condition, "perturbation");
  EXPECT_EQ(det.roles.format, ConditionFormat::ScPerturb);
  auto cat = PerturbationCatalog::build(obs, det.roles);
  EXPECT_EQ(cat.summary().nControlCells, 2);
  EXPECT_EQ(cat.summary().nCombinations, 1);
  EXPECT_NE(cat.find("AHR+FEV"), nullptr);
}

namespace {

// The simulator's layout: one `condition` column with GEARS gene labels and
// drug names (drug pairs "A+B"), a perturbation_type column and a numeric
// dose (0 for control and gene rows). Drug rows are the majority on purpose
// (the most common type once turned the whole file into drugs).
struct MixedRow {
  const char* label;
  const char* type;
  double dose;
};
const std::vector<MixedRow> kMixedRows{
    {"Simuparib", "drug", 100},        {"ctrl", "control", 0},           {"G1+ctrl", "gene", 0},
    {"Simuparib", "drug", 1000},       {"G1+G2", "gene", 0},             {"DrugA+DrugB", "drug", 100},
    {"Simuparib", "drug", 100},        {"ctrl+G2", "gene", 0},           {"DrugA", "drug", 100},
    {"DrugA+DrugB", "drug", 100},      {"ctrl", "control", 0},           {"Simuparib", "drug", 1000},
    {"DrugB", "drug", 1000},           {"G2+G1", "gene", 0},
};

DataFrame mixedObs(bool withType) {
  std::vector<std::string> cond, type;
  std::vector<double> dose;
  for (const auto& r : kMixedRows) {
    cond.push_back(r.label);
    type.push_back(r.type);
    dose.push_back(r.dose);
  }
  std::vector<Column> cols{categorical("condition", cond), floats("dose", dose)};
  if (withType) {
    cols.push_back(categorical("perturbation_type", type));
    cols.push_back(categorical("dose_unit", std::vector<std::string>(cond.size(), "nM")));
  }
  return frame(cond.size(), std::move(cols));
}

// Ground truth, counted by hand from kMixedRows.
// `unitKnown`: the roles know the doses are nM, so other units convert.
void expectMixedCatalog(const PerturbationCatalog& cat, bool unitKnown) {
  auto s = cat.summary();
  EXPECT_EQ(s.nControlCells, 2);
  EXPECT_EQ(s.nPerturbedCells, 12);
  // G1, G2, G1+G2; Simuparib@100, Simuparib@1000, DrugA@100, DrugB@1000, DrugA@100+DrugB@100.
  EXPECT_EQ(s.nConditions, 8);
  EXPECT_EQ(s.nGeneConditions, 3);
  EXPECT_EQ(s.nDrugConditions, 5);
  EXPECT_EQ(s.nMixedConditions, 0);
  EXPECT_EQ(s.nSingles, 6);
  EXPECT_EQ(s.nCombinations, 2);
  EXPECT_EQ(s.nDistinctGenes, 2);
  EXPECT_EQ(s.nDistinctDrugs, 3);
  EXPECT_EQ(s.doses, (std::vector<double>{100, 1000}));
  EXPECT_EQ(cat.componentNames(PerturbationKind::Drug), (std::vector<std::string>{"DrugA", "DrugB", "Simuparib"}));
  EXPECT_EQ(cat.componentNames(PerturbationKind::Gene), (std::vector<std::string>{"G1", "G2"}));

  const CatalogEntry* low = cat.find("Simuparib@100");
  ASSERT_NE(low, nullptr);
  EXPECT_EQ(low->kind(), PerturbationKind::Drug);
  EXPECT_EQ(cat.cellsOf("Simuparib@100"), (std::vector<std::int64_t>{0, 6}));
  EXPECT_EQ(cat.cellsOf("Simuparib@1000"), (std::vector<std::int64_t>{3, 11}));
  const CatalogEntry* pair = cat.find("DrugA@100+DrugB@100");
  ASSERT_NE(pair, nullptr);
  ASSERT_EQ(pair->perturbation.components.size(), 2u);
  for (const auto& c : pair->perturbation.components) {
    EXPECT_EQ(c.kind, PerturbationKind::Drug);
    ASSERT_TRUE(c.dose.has_value());
    EXPECT_EQ(*c.dose, 100);
  }
  EXPECT_EQ(pair->nCells, 2);
  // Gene rows keep no dose (their 0 is no drug dose).
  const CatalogEntry* g1 = cat.find("G1");
  ASSERT_NE(g1, nullptr);
  EXPECT_EQ(g1->kind(), PerturbationKind::Gene);
  EXPECT_FALSE(g1->perturbation.components.at(0).dose.has_value());
  EXPECT_EQ(cat.find("G1+G2")->nCells, 2);  // "G1+G2" and "G2+G1"
  EXPECT_EQ(cat.find("G2")->nCells, 1);
  EXPECT_EQ(cat.find("G1@0"), nullptr);

  // What users type resolves against both kinds.
  auto q = cat.resolve("Simuparib@100");
  EXPECT_TRUE(q.observed);
  EXPECT_EQ(q.key, "Simuparib@100");
  EXPECT_EQ(q.nCells, 2);
  if (unitKnown)
    EXPECT_EQ(cat.resolve("simuparib@1uM").key, "Simuparib@1000");
  else
    EXPECT_THROW(cat.resolve("simuparib@1uM"), InputError);  // 1 of an unknown unit: never given
  EXPECT_THROW(cat.resolve("Simuparib"), InputError);      // two doses: say which
  EXPECT_THROW(cat.resolve("Simuparib@55"), InputError);   // never given at 55
  EXPECT_EQ(cat.resolve("DrugA").key, "DrugA@100");         // one dose only: taken
  EXPECT_EQ(cat.resolve("G1").kind(), PerturbationKind::Gene);
  EXPECT_THROW(cat.resolve("G1@100"), InputError);          // genes have no dose
  EXPECT_THROW(cat.resolve("drug:G1"), InputError);
  auto unseen = cat.resolve("G1+Simuparib@100");  // gene + drug, not in the data
  EXPECT_FALSE(unseen.observed);
  EXPECT_EQ(unseen.kind(), PerturbationKind::Mixed);
}

}  // namespace

TEST(ColumnRoles, KindFromTypeTextAndNonZeroDoses) {
  using K = PerturbationKind;
  for (const char* t : {"drug", "Compound", "chemical", "small molecule"}) EXPECT_EQ(perturbationKindFromType(t), K::Drug) << t;
  for (const char* t : {"gene", "CRISPRi", "genetic", "knockdown"}) EXPECT_EQ(perturbationKindFromType(t), K::Gene) << t;
  for (const char* t : {"control", "ctrl", "Vehicle"}) EXPECT_EQ(perturbationKindFromType(t), K::Control) << t;
  EXPECT_FALSE(perturbationKindFromType("").has_value());
  EXPECT_FALSE(perturbationKindFromType("batch7").has_value());
  EXPECT_TRUE(doseTextIsNonZero("10"));
  EXPECT_TRUE(doseTextIsNonZero("0+50"));
  EXPECT_TRUE(doseTextIsNonZero("1e-3"));
  for (const char* t : {"", "0", "0.0", "0+0", "nan", "high"}) EXPECT_FALSE(doseTextIsNonZero(t)) << t;
}

TEST(PerturbationCatalog, MixedGeneAndDrugRowsFromTypeColumn) {
  auto obs = mixedObs(true);
  auto det = detectColumnRoles(obs, geneVar());
  EXPECT_EQ(det.roles.condition, "condition");
  EXPECT_EQ(det.roles.format, ConditionFormat::Gears);  // gene labels stay GEARS ('+' only)
  EXPECT_TRUE(det.roles.kindsPerRow);
  EXPECT_EQ(det.roles.perturbationType, "perturbation_type");
  EXPECT_EQ(det.roles.dose, "dose");  // kept: the drug rows have doses
  EXPECT_NE(det.findings.at(0).why.find("gene or drug per cell"), std::string::npos) << det.findings.at(0).why;
  EXPECT_EQ(det.roles.doseUnit, "nM");
  expectMixedCatalog(PerturbationCatalog::build(obs, det.roles, "sim.h5ad"), true);
}

TEST(PerturbationCatalog, MixedGeneAndDrugRowsFromDosesAlone) {
  // No perturbation type column: perturbed rows with a non-zero dose are drugs.
  auto obs = mixedObs(false);
  auto det = detectColumnRoles(obs, geneVar());
  EXPECT_EQ(det.roles.format, ConditionFormat::Gears);
  EXPECT_TRUE(det.roles.kindsPerRow);
  EXPECT_EQ(det.roles.perturbationType, "");
  EXPECT_EQ(det.roles.dose, "dose");
  EXPECT_NE(det.findings.at(0).why.find("only some perturbed cells have a dose"), std::string::npos);
  expectMixedCatalog(PerturbationCatalog::build(obs, det.roles), false);

  // Missing doses (NaN) on gene rows count as no dose as well.
  obs.find("dose")->floats[2] = std::numeric_limits<double>::quiet_NaN();
  expectMixedCatalog(PerturbationCatalog::build(obs, detectColumnRoles(obs, geneVar()).roles), false);
}

TEST(PerturbationCatalog, AllGeneTypeColumnIgnoresDoseColumn) {
  // A GEARS file whose type column says CRISPR everywhere: dose_val is no drug dose.
  auto obs = normanObs();
  std::vector<std::string> type(obs.rows(), "CRISPRa");
  obs.columns.push_back(categorical("perturbation_type", type));
  auto det = detectColumnRoles(obs, geneVar());
  EXPECT_FALSE(det.roles.kindsPerRow);
  EXPECT_EQ(det.roles.dose, "");
  EXPECT_EQ(PerturbationCatalog::build(obs, det.roles).summary().nGeneConditions, 4);
  // Norman's dose_val is non-zero on every perturbed row: no mixed layout.
  EXPECT_FALSE(detectColumnRoles(normanObs(), geneVar()).roles.kindsPerRow);
}
