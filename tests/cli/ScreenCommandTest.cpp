// `scdfm screen` on the simulator's tiny dataset with a briefly trained tiny model.
#include <gtest/gtest.h>

#include <fstream>

#include "CliSupport.h"
#include "core/io/ModelCheckpoint.h"

using namespace scdfm;
using test::kTinyModel;
using test::scdfmBin;
using test::tiny;

TEST(ScreenCommand, WritesOneRowPerPair) {
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)";
  auto dir = test::scratchDir("cli_screen");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + dir + " --steps 2 --seed 1" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const auto c = readModelCheckpoint(dir + "/checkpoint.safetensors");
  ASSERT_GE(c.genes.size(), 3u);
  const std::string genes = c.genes[0] + "," + c.genes[1] + "," + c.genes[2];
  const std::string base = scdfmBin() + " screen " + tiny() + " --checkpoint " + dir +
                           "/checkpoint.safetensors --cells 6 --time-points 3 --device cpu";
  r = test::runCommand(base + " --genes " + genes + " --out " + dir + "/screen.csv");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("3 singles and 3 pairs"), std::string::npos) << r.output;
  std::ifstream f(dir + "/screen.csv");
  std::string header, line;
  std::getline(f, header);
  EXPECT_EQ(header.rfind("gene_a,gene_b,predicted_c1,", 0), 0u) << header;
  int rows = 0;
  while (std::getline(f, line)) {
    ++rows;
    EXPECT_TRUE(line.find(",yes,") != std::string::npos || line.find(",no,") != std::string::npos) << line;
  }
  EXPECT_EQ(rows, 3);
  // The robust fit is selectable; a single gene or an unknown one is refused (exit 2).
  r = test::runCommand(base + " --genes " + genes + " --fit theil-sen --quiet --out " + dir + "/ts.csv");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(base + " --genes " + c.genes[0] + " --out " + dir + "/bad.csv");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("2 to 30"), std::string::npos) << r.output;
  r = test::runCommand(base + " --genes " + c.genes[0] + "," + c.genes[1] + "ZZ --out " + dir + "/bad.csv");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find(c.genes[1]), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad.csv"));
}
