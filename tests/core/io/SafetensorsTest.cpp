#include <gtest/gtest.h>

#include <fstream>

#include "TestSupport.h"
#include "core/io/Safetensors.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(Safetensors, RoundTripWithMetadata) {
  auto dir = test::scratchDir("safetensors_roundtrip");
  SafetensorsFile f;
  float v[6] = {1, 2, 3, 4, 5, 6};
  std::int64_t ids[3] = {7, -1, 9};
  f.tensors["w"] = RawTensor::fromFloat({2, 3}, v);
  f.tensors["ids"] = RawTensor::fromInt64({3}, ids);
  f.metadata["config"] = R"({"d_model":32})";
  writeSafetensors(dir + "/a.safetensors", f);
  auto g = readSafetensors(dir + "/a.safetensors");
  EXPECT_EQ(g.metadata.at("config"), R"({"d_model":32})");
  EXPECT_EQ(g.at("w").shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(g.at("w").toFloat()[5], 6.0f);
  EXPECT_EQ(g.at("ids").toInt64()[1], -1);
  EXPECT_THROW(g.at("missing"), InputError);
}

TEST(Safetensors, TruncatedFileIsAnInputError) {
  auto dir = test::scratchDir("safetensors_truncated");
  std::ofstream(dir + "/bad.safetensors") << "abc";
  EXPECT_THROW(readSafetensors(dir + "/bad.safetensors"), InputError);
  std::ofstream(dir + "/bad2.safetensors", std::ios::binary) << std::string("\xff\x00\x00\x00\x00\x00\x00\x00{}", 10);
  EXPECT_THROW(readSafetensors(dir + "/bad2.safetensors"), InputError);
}

TEST(Safetensors, ReadsGoldenWeightsWhenPresent) {
  auto cases = test::goldenCases();
  if (cases.empty()) GTEST_SKIP() << "no golden cases at " << test::goldenDir();
  auto f = readSafetensorsHeader(cases.front() + "/weights.safetensors");
  EXPECT_GT(f.tensors.size(), 10u);
}
