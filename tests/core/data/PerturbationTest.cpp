#include <gtest/gtest.h>

#include "core/data/Perturbation.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {
std::string errorOf(const std::string& text) {
  try {
    parsePerturbationQuery(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(PerturbationQuery, ParsesGenesCombinationsAndControl) {
  auto p = parsePerturbationQuery("KLF1");
  ASSERT_EQ(p.components.size(), 1u);
  EXPECT_EQ(p.components[0].name, "KLF1");
  EXPECT_EQ(p.kind(), PerturbationKind::Gene);
  EXPECT_FALSE(p.isCombination());

  auto c = parsePerturbationQuery(" MAP2K6 + KLF1 ");
  EXPECT_TRUE(c.isCombination());
  EXPECT_EQ(c.key(), "KLF1+MAP2K6");  // order-independent
  EXPECT_EQ(parsePerturbationQuery("KLF1+MAP2K6").key(), c.key());

  EXPECT_TRUE(parsePerturbationQuery("ctrl").isControl());
  EXPECT_TRUE(parsePerturbationQuery("Control").isControl());
  EXPECT_TRUE(parsePerturbationQuery("DMSO").isControl());
  EXPECT_EQ(parsePerturbationQuery("KLF1+ctrl").key(), "KLF1");
  EXPECT_EQ(parsePerturbationQuery("ctrl+KLF1").key(), "KLF1");
}

TEST(PerturbationQuery, ParsesDrugsDosesUnitsAndKinds) {
  auto p = parsePerturbationQuery("dexamethasone@10");
  ASSERT_EQ(p.components.size(), 1u);
  EXPECT_EQ(p.components[0].kind, PerturbationKind::Drug);
  ASSERT_TRUE(p.components[0].dose.has_value());
  EXPECT_DOUBLE_EQ(*p.components[0].dose, 10.0);
  EXPECT_EQ(p.key(), "dexamethasone@10");

  auto q = parsePerturbationQuery("drug:dexamethasone@10uM");
  EXPECT_TRUE(q.components[0].kindGiven);
  EXPECT_EQ(q.components[0].doseUnit, "uM");
  EXPECT_EQ(q.display(), "dexamethasone@10 uM");

  auto r = parsePerturbationQuery("Panobinostat@0.5 nM+Crizotinib@1e3");
  ASSERT_EQ(r.components.size(), 2u);
  EXPECT_DOUBLE_EQ(*r.components[0].dose, 0.5);
  EXPECT_EQ(r.components[0].doseUnit, "nM");
  EXPECT_DOUBLE_EQ(*r.components[1].dose, 1000.0);
  EXPECT_EQ(r.key(), "Crizotinib@1000+Panobinostat@0.5");

  auto g = parsePerturbationQuery("gene:KLF1");
  EXPECT_EQ(g.components[0].kind, PerturbationKind::Gene);
  EXPECT_TRUE(g.components[0].kindGiven);
  EXPECT_EQ(parsePerturbationQuery("gene:A+drug:B@1").kind(), PerturbationKind::Mixed);
}

TEST(PerturbationQuery, ErrorsNameTheOffendingToken) {
  EXPECT_NE(errorOf("KLF1++MAP2K6").find("empty component"), std::string::npos);
  EXPECT_NE(errorOf("KLF1+").find("empty component"), std::string::npos);
  EXPECT_NE(errorOf("").find("no perturbation"), std::string::npos);
  EXPECT_NE(errorOf("dex@abc").find("'abc'"), std::string::npos);
  EXPECT_NE(errorOf("dex@abc").find("'dex@abc'"), std::string::npos);
  EXPECT_NE(errorOf("dex@10furlongs").find("'furlongs'"), std::string::npos);
  EXPECT_NE(errorOf("protein:X").find("unknown kind 'protein'"), std::string::npos);
  EXPECT_NE(errorOf("gene:KLF1@10").find("'gene:KLF1@10'"), std::string::npos);
  EXPECT_NE(errorOf("@10").find("no name"), std::string::npos);
  EXPECT_NE(errorOf("KLF1+KLF1").find("'KLF1' appears twice"), std::string::npos);
  EXPECT_NE(errorOf("dex@-1").find("negative"), std::string::npos);
}

TEST(ConditionLabel, GearsLabels) {
  ConditionParseOptions o;
  EXPECT_TRUE(parseConditionLabel("ctrl", "", o).isControl());
  EXPECT_EQ(parseConditionLabel("KLF1+ctrl", "", o).key(), "KLF1");
  EXPECT_EQ(parseConditionLabel("ctrl+KLF1", "", o).key(), "KLF1");
  auto ab = parseConditionLabel("MAP2K6+KLF1", "", o);
  EXPECT_EQ(ab.key(), "KLF1+MAP2K6");
  EXPECT_EQ(ab.kind(), PerturbationKind::Gene);
  // GEARS labels split on '+' only: an underscore belongs to the name.
  EXPECT_EQ(parseConditionLabel("GENE_X+ctrl", "", o).key(), "GENE_X");
}

TEST(ConditionLabel, ScPerturbAndDrugLabelsWithDoses) {
  ConditionParseOptions o;
  o.separators = "+_";
  EXPECT_TRUE(parseConditionLabel("control", "", o).isControl());
  EXPECT_TRUE(parseConditionLabel("non-targeting", "", o).isControl());
  EXPECT_EQ(parseConditionLabel("AHR_FEV", "", o).key(), "AHR+FEV");

  o.defaultKind = PerturbationKind::Drug;
  o.doseUnit = "nM";
  auto d = parseConditionLabel("Dexamethasone", "100", o);
  EXPECT_EQ(d.key(), "Dexamethasone@100");
  EXPECT_EQ(d.components[0].doseUnit, "nM");
  auto combo = parseConditionLabel("Panobinostat+Crizotinib", "10+100", o);
  EXPECT_EQ(combo.key(), "Crizotinib@100+Panobinostat@10");
  auto same = parseConditionLabel("Panobinostat_Crizotinib", "10", o);
  EXPECT_EQ(same.key(), "Crizotinib@10+Panobinostat@10");
  // The dose of a control token is dropped with it.
  EXPECT_EQ(parseConditionLabel("control+Alvespimycin", "0+50", o).key(), "Alvespimycin@50");
  EXPECT_TRUE(parseConditionLabel("Vehicle", "0", o).isControl());
  EXPECT_THROW(parseConditionLabel("A+B", "1+2+3", o), InputError);
  try {
    parseConditionLabel("A", "ten", o, "obs/dose row 3");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("obs/dose row 3"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'ten'"), std::string::npos);
  }
}

TEST(ConditionLabel, CustomControlLabels) {
  ConditionParseOptions o;
  o.controlLabels = {"NegCtrl"};
  EXPECT_TRUE(parseConditionLabel("negctrl", "", o).isControl());
  EXPECT_FALSE(parseConditionLabel("ctrl", "", o).isControl());
}

TEST(Dose, FormatsAndConvertsUnits) {
  EXPECT_EQ(formatDose(10.0), "10");
  EXPECT_EQ(formatDose(0.5), "0.5");
  EXPECT_EQ(formatDose(10000.0), "10000");
  EXPECT_DOUBLE_EQ(*doseUnitToNanomolar("uM"), 1000.0);
  EXPECT_FALSE(doseUnitToNanomolar("mg").has_value());
}
