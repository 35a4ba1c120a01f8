#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "core/data/GeneVocab.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(GeneVocab, SpecialsFirstThenGenesInPythonOrder) {
  // Python: sorted(['b', 'B', 'a1', 'A', 'Ä', 'A-1']) == ['A', 'A-1', 'B', 'a1', 'b', 'Ä'] (codepoint order).
  auto v = GeneVocab::fromGenes({"b", "B", "a1", "A", "\xc3\x84", "A-1", "B", "control"});
  std::vector<std::string> expect{"<pad>", "<cls>", "<mask>", "control", "A", "A-1", "B", "a1", "b", "\xc3\x84"};
  EXPECT_EQ(v.tokens(), expect);
  EXPECT_EQ(v.id("A"), 4);
  EXPECT_EQ(v.id("control"), GeneVocab::kControl);
  EXPECT_EQ(v.id("ctrl"), GeneVocab::kControl);  // GEARS spelling
  EXPECT_EQ(v.genes().size(), 6u);
  EXPECT_EQ(v.encode({"b", "A"}), (std::vector<std::int64_t>{8, 4}));
}

TEST(GeneVocab, JsonRoundTripAndAuthorsFormat) {
  auto v = GeneVocab::fromGenes({"KLF1", "MAP2K6", "CEBPE"});
  auto j = v.toJson();
  EXPECT_EQ(j["<pad>"], 0);
  EXPECT_EQ(j["CEBPE"], 4);
  EXPECT_EQ(GeneVocab::fromJson(j), v);
  EXPECT_EQ(GeneVocab::fromJson(nlohmann::json(v.tokens())), v);
  // Python writes the authors' files; read one back.
  auto dir = test::scratchDir("genevocab_json");
  auto r = test::runPython("import json\ng = sorted(['KLF1', 'MAP2K6', 'CEBPE'])\nt = ['<pad>', '<cls>', '<mask>', "
                           "'control'] + g\njson.dump({k: i for i, k in enumerate(t)}, open('" +
                           dir + "/vocab.json', 'w'))\n");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(GeneVocab::readJsonFile(dir + "/vocab.json"), v);
}

TEST(GeneVocab, UnknownTokensGiveClosestMatches) {
  auto v = GeneVocab::fromGenes({"KLF1", "KLF2", "MAP2K6", "CEBPE"});
  try {
    v.id("KLF3", "perturbation 'KLF3+ctrl'", "model.safetensors");
    ADD_FAILURE();
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'KLF3' is not in the model's vocabulary"), std::string::npos) << m;
    EXPECT_NE(m.find("KLF1"), std::string::npos) << m;
    EXPECT_NE(m.find("model.safetensors"), std::string::npos) << m;
  }
  try {
    v.encode({"KLF1", "XX", "map2k6"});
    ADD_FAILURE();
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("2 names"), std::string::npos) << m;
    EXPECT_NE(m.find("MAP2K6"), std::string::npos) << m;  // case-insensitive suggestion
  }
}

TEST(GeneVocab, MalformedVocabulariesAreRejected) {
  EXPECT_THROW(GeneVocab::fromTokens({"A", "B"}), InputError);  // no specials
  EXPECT_THROW(GeneVocab::fromTokens({"<pad>", "<cls>", "<mask>", "control", "A", "A"}), InputError);
  EXPECT_THROW(GeneVocab::fromJson(nlohmann::json{{"<pad>", 0}, {"<cls>", 1}, {"<mask>", 2}, {"control", 5}}),
               InputError);
  EXPECT_THROW(GeneVocab::fromJson(nlohmann::json(3)), InputError);
  EXPECT_THROW(GeneVocab::readJsonFile("/nonexistent/vocab.json"), InputError);
}
