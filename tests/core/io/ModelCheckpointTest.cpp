#include <gtest/gtest.h>

#include <fstream>

#include "TestSupport.h"
#include "core/io/ModelCheckpoint.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

ModelCheckpoint sample() {
  ModelCheckpoint c;
  c.modelConfig = {{"d_model", 4}, {"ntoken", 10}, {"nlayers", 1}};
  c.vocabulary = {"<pad>", "<cls>", "<mask>", "control", "A", "B", "C"};
  c.genes = {"C", "A"};
  float w[6] = {1.5f, -2, 3, 4, 5, 6.25f};
  c.weights["encoder.embedding.weight"] = RawTensor::fromFloat({2, 3}, w);
  c.weights["final_layer.fc.4.bias"] = RawTensor::fromFloat({1}, w + 5);
  RawTensor m;
  m.dtype = DType::BOOL;
  m.shape = {7, 7};
  m.data.assign(49, 1);
  for (int i = 0; i < 7; ++i) m.data[i * 7 + i] = 0;
  c.graphMask = m;
  c.graph = {{"source", "built"}, {"topk", 30}};
  c.preprocessing.normalizeTotal = 1e4;
  c.preprocessing.log1p = true;
  c.preprocessing.geneSelection = "seurat HVG";
  c.training.dataFile = "tiny.h5ad";
  c.training.dataSha256 = "ab";
  c.training.split = "additive fold 1";
  c.training.trainConditions = {"A+ctrl"};
  c.training.testConditions = {"A+C"};
  c.training.steps = 300;
  c.training.seed = 42;
  c.training.metrics = {{"mse", 0.25}};
  std::int64_t step[1] = {300};
  c.trainerState["optimizer.step"] = RawTensor::fromInt64({1}, step);
  c.trainerMeta = {{"step", 300}, {"rng", "12345"}};
  return c;
}

}  // namespace

TEST(ModelCheckpoint, RoundTripKeepsEverything) {
  auto dir = test::scratchDir("ckpt_roundtrip");
  auto c = sample();
  writeModelCheckpoint(dir + "/m.safetensors", c);
  EXPECT_TRUE(isModelCheckpoint(dir + "/m.safetensors"));
  auto d = readModelCheckpoint(dir + "/m.safetensors");
  EXPECT_EQ(d.modelConfig, c.modelConfig);
  EXPECT_EQ(d.genes, c.genes);
  EXPECT_EQ(d.vocabulary, c.vocabulary);
  ASSERT_EQ(d.weights.size(), 2u);
  EXPECT_EQ(d.weights.at("encoder.embedding.weight").data, c.weights.at("encoder.embedding.weight").data);
  ASSERT_TRUE(d.graphMask);
  EXPECT_EQ(d.graphMask->data, c.graphMask->data);
  EXPECT_EQ(d.graph, c.graph);
  EXPECT_EQ(d.preprocessing.normalizeTotal, 1e4);
  EXPECT_TRUE(d.preprocessing.log1p);
  EXPECT_EQ(d.training.testConditions, c.training.testConditions);
  EXPECT_EQ(d.training.steps, 300);
  EXPECT_EQ(d.training.seed, 42u);
  EXPECT_EQ(d.training.metrics, c.training.metrics);
  EXPECT_EQ(d.trainerState.at("optimizer.step").toInt64()[0], 300);
  EXPECT_EQ(d.trainerMeta, c.trainerMeta);
}

TEST(ModelCheckpoint, PythonReadsTheFileAsSafetensors) {
  if (!test::pythonHas("numpy")) GTEST_SKIP() << "python3 without numpy";
  auto dir = test::scratchDir("ckpt_python");
  writeModelCheckpoint(dir + "/m.safetensors", sample());
  // An independent reader of the safetensors layout (the `safetensors` package may be absent).
  auto r = test::runPython(R"PY(
import json, struct, numpy as np
b = open(')PY" + dir + R"PY(/m.safetensors', 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
meta = h.pop('__metadata__')
assert meta['format'] == 'scdfm-studio-checkpoint', meta
assert json.loads(meta['genes']) == ['C', 'A']
assert json.loads(meta['model_config'])['d_model'] == 4
def arr(name, dt):
    e = h[name]; s, t = e['data_offsets']
    return np.frombuffer(b[8 + n + s:8 + n + t], dtype=dt).reshape(e['shape'])
w = arr('encoder.embedding.weight', '<f4')
assert w.tolist() == [[1.5, -2, 3], [4, 5, 6.25]], w
assert h['scdfm.graph_mask']['dtype'] == 'BOOL'
m = arr('scdfm.graph_mask', np.bool_)
assert m.shape == (7, 7) and not m.diagonal().any() and m.sum() == 42
assert h['scdfm.state.optimizer.step']['dtype'] == 'I64'
assert (8 + n) % 8 == 0
print('ok')
)PY");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("ok"), std::string::npos) << r.output;
}

TEST(ModelCheckpoint, ClearErrorsForBadFiles) {
  auto dir = test::scratchDir("ckpt_errors");
  // A bare state_dict: hint to import.
  SafetensorsFile bare;
  float v = 1;
  bare.tensors["w"] = RawTensor::fromFloat({1}, &v);
  writeSafetensors(dir + "/bare.safetensors", bare);
  try {
    readModelCheckpoint(dir + "/bare.safetensors");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("scdfm import"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(isModelCheckpoint(dir + "/bare.safetensors"));
  // Missing metadata key.
  bare.metadata["format"] = kCheckpointFormat;
  bare.metadata["format_version"] = "1";
  writeSafetensors(dir + "/nocfg.safetensors", bare);
  try {
    readModelCheckpoint(dir + "/nocfg.safetensors");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model_config"), std::string::npos) << e.what();
  }
  // Inconsistent checkpoints are refused on write.
  auto c = sample();
  c.genes.push_back("ZZZ");
  EXPECT_THROW(writeModelCheckpoint(dir + "/x.safetensors", c), InputError);
  c = sample();
  c.graphMask->shape = {49, 1};
  EXPECT_THROW(writeModelCheckpoint(dir + "/x.safetensors", c), InputError);
  c = sample();
  c.graphMask->shape = {8, 8};  // larger than the vocabulary
  c.graphMask->data.assign(64, 1);
  EXPECT_THROW(writeModelCheckpoint(dir + "/x.safetensors", c), InputError);
  c = sample();
  c.weights.clear();
  EXPECT_THROW(writeModelCheckpoint(dir + "/x.safetensors", c), InputError);
  std::ofstream(dir + "/junk.safetensors") << "junk";
  EXPECT_THROW(readModelCheckpoint(dir + "/junk.safetensors"), InputError);
}

TEST(ModelCheckpoint, WeightShapeCheckListsEveryProblem) {
  auto c = sample();
  std::map<std::string, std::vector<std::int64_t>> expected{
      {"encoder.embedding.weight", {3, 3}}, {"final_layer.fc.4.bias", {1}}, {"blocks.0.x", {2}}};
  try {
    checkWeightShapes(c.weights, expected, "m.safetensors");
    ADD_FAILURE();
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("blocks.0.x"), std::string::npos) << m;
    EXPECT_NE(m.find("encoder.embedding.weight (2, 3) instead of (3, 3)"), std::string::npos) << m;
  }
  expected["encoder.embedding.weight"] = {2, 3};
  expected.erase("blocks.0.x");
  EXPECT_NO_THROW(checkWeightShapes(c.weights, expected, "m"));
  expected.erase("final_layer.fc.4.bias");
  EXPECT_THROW(checkWeightShapes(c.weights, expected, "m"), InputError);  // unexpected key
  EXPECT_NO_THROW(checkWeightShapes(c.weights, expected, "m", true));
}

TEST(ModelCheckpoint, Sha256MatchesPythonHashlib) {
  auto dir = test::scratchDir("ckpt_sha");
  std::string content;
  for (int i = 0; i < 300000; ++i) content.push_back(static_cast<char>((i * 7919) & 0xff));
  std::ofstream(dir + "/f.bin", std::ios::binary) << content;
  std::ofstream(dir + "/empty.bin", std::ios::binary);
  auto r = test::runPython("import hashlib\nfor f in ['f.bin', 'empty.bin']: print(hashlib.sha256(open('" + dir +
                           "/' + f, 'rb').read()).hexdigest())\n");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(r.output, sha256File(dir + "/f.bin") + "\n" + sha256File(dir + "/empty.bin") + "\n");
  EXPECT_EQ(sha256File(dir + "/empty.bin"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
