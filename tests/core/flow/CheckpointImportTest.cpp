// Import of the authors' torch.save checkpoints, end to end: Python writes the
// golden weights the way the authors' save_checkpoint does (an OrderedDict
// under model_state_dict, here with a `model.` prefix, beside Adam state),
// we import without Python, store our checkpoint, load it into the network
// and reproduce the golden forward output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "core/model/ScDfmModel.h"
#include "core/model/ScDfmNetwork.h"
#include "core/flow/ModelLoading.h"
#include "core/io/ModelCheckpoint.h"
#include "core/io/Safetensors.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

// Writes <out>/authors.pt, <out>/mask.pt and <out>/vocab.json for golden case `golden`.
std::string writeAuthorsFiles(const std::string& golden, const std::string& out) {
  return R"PY(
import collections, json, struct, numpy as np, torch
G, OUT = ')PY" + golden + "', '" + out + R"PY('
def read_st(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); h.pop('__metadata__', None)
    dt = {'F32': np.float32, 'I64': np.int64, 'U8': np.uint8}
    return {k: np.frombuffer(b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]],
                             dtype=dt[v['dtype']]).reshape(v['shape']).copy() for k, v in h.items()}
cfg = json.load(open(G + '/config.json'))
w = read_st(G + '/weights.safetensors')
sd = collections.OrderedDict(('model.' + k, torch.from_numpy(w[k])) for k in cfg['keys'])
params = [torch.nn.Parameter(v.clone()) for v in sd.values()]
opt = torch.optim.Adam(params, lr=5e-5)
sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=200000, eta_min=1e-6)
sum((p ** 2).sum() for p in params[:3]).backward(); opt.step(); sch.step()
torch.save({'iteration': 7, 'model_state_dict': sd, 'optimizer_state_dict': opt.state_dict(),
            'scheduler_state_dict': sch.state_dict(), 'eval_score': None}, OUT + '/authors.pt')
torch.save(torch.from_numpy(read_st(G + '/forward.safetensors')['graph_mask']).bool(), OUT + '/mask.pt')
genes = sorted(cfg['graph']['gene_names_in_column_order'])
tokens = ['<pad>', '<cls>', '<mask>', 'control'] + genes
json.dump({t: i for i, t in enumerate(tokens)}, open(OUT + '/vocab.json', 'w'))
print(len(tokens))
)PY";
}

}  // namespace

TEST(CheckpointImport, AuthorsTorchSaveReproducesGoldenForward) {
  auto cases = test::goldenCases();
  if (cases.empty()) GTEST_SKIP() << "no golden cases at " << test::goldenDir();
  if (!test::pythonHas("torch")) GTEST_SKIP() << "python3 cannot import torch";
  for (const auto& golden : cases) {
    const std::string name = std::filesystem::path(golden).filename().string();
    SCOPED_TRACE(name);
    auto dir = test::scratchDir("import_" + name);
    auto r = test::runPython(writeAuthorsFiles(golden, dir));
    ASSERT_EQ(r.exitCode, 0) << r.output;

    ImportReport report;
    auto c = importAuthorsCheckpoint({dir + "/authors.pt", dir + "/vocab.json", dir + "/mask.pt", {}}, &report);
    EXPECT_EQ(report.strippedPrefixes, std::vector<std::string>{"model."});
    EXPECT_TRUE(report.warnings.empty());
    EXPECT_EQ(c.training.steps, 7);
    // Weights identical to the golden safetensors, byte for byte.
    auto weights = readSafetensors(golden + "/weights.safetensors");
    ASSERT_EQ(c.weights.size(), weights.tensors.size());
    for (const auto& [k, t] : weights.tensors) {
      ASSERT_TRUE(c.weights.count(k)) << k;
      EXPECT_EQ(c.weights.at(k).shape, t.shape) << k;
      EXPECT_TRUE(c.weights.at(k).data == t.data) << k;
    }
    auto golden_cfg = nlohmann::json::parse(std::ifstream(golden + "/config.json"));
    EXPECT_EQ(c.modelConfig["d_model"], golden_cfg["model"]["d_model"]);
    EXPECT_EQ(c.modelConfig["nhead"], golden_cfg["model"]["nhead"]);
    EXPECT_EQ(c.modelConfig["nlayers"], golden_cfg["model"]["nlayers"]);
    EXPECT_EQ(c.modelConfig["ntoken"], golden_cfg["model"]["ntoken"]);
    EXPECT_EQ(c.vocabulary.size(), static_cast<std::size_t>(c.graphMask->shape[0]));

    // Store, reload, and run the golden forward pass.
    writeModelCheckpoint(dir + "/ours.safetensors", c);
    auto back = readModelCheckpoint(dir + "/ours.safetensors");
    auto net = networkFromCheckpoint(back, dir + "/ours.safetensors", "cpu");
    auto& model = net->module();
    auto fwd = readSafetensors(golden + "/forward.safetensors");
    torch::NoGradGuard noGrad;
    auto out = model.forward(toTorch(fwd.at("gene_id")), toTorch(fwd.at("x_t")), toTorch(fwd.at("t")),
                              toTorch(fwd.at("control")), toTorch(fwd.at("perturbation_id")));
    auto expected = toTorch(fwd.at("output"));
    const double tol = golden_cfg["tolerance"]["forward"].get<double>();
    EXPECT_LE((out - expected).abs().max().item<double>(), tol);
  }
}

TEST(CheckpointImport, SafetensorsStateDictAndErrors) {
  auto cases = test::goldenCases();
  if (cases.empty()) GTEST_SKIP() << "no golden cases at " << test::goldenDir();
  const std::string golden = cases.front();
  auto dir = test::scratchDir("import_errors");
  // The golden safetensors has the authors' key names: importable as is (no vocabulary: a warning).
  ImportReport report;
  auto c = importAuthorsCheckpoint({golden + "/weights.safetensors", "", "", {}}, &report);
  EXPECT_EQ(report.warnings.size(), 2u);
  EXPECT_TRUE(report.strippedPrefixes.empty());
  EXPECT_FALSE(c.graphMask);
  // A missing key is named.
  auto w = readSafetensors(golden + "/weights.safetensors");
  w.tensors.erase("final_layer.fc.2.bias");
  writeSafetensors(dir + "/missing.safetensors", w);
  try {
    importAuthorsCheckpoint({dir + "/missing.safetensors", "", "", {}});
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("final_layer.fc.2.bias"), std::string::npos) << e.what();
  }
  // A mis-shaped key is named with both shapes.
  w = readSafetensors(golden + "/weights.safetensors");
  auto& bias = w.tensors.at("final_layer.fc.2.bias");
  bias.shape = {1, bias.shape[0]};
  writeSafetensors(dir + "/shape.safetensors", w);
  try {
    importAuthorsCheckpoint({dir + "/shape.safetensors", "", "", {}});
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("final_layer.fc.2.bias"), std::string::npos) << e.what();
  }
  // Without the key that sets the width, inference names it.
  w = readSafetensors(golden + "/weights.safetensors");
  w.tensors.erase("encoder.embedding.weight");
  writeSafetensors(dir + "/noemb.safetensors", w);
  try {
    importAuthorsCheckpoint({dir + "/noemb.safetensors", "", "", {}});
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("encoder.embedding.weight"), std::string::npos) << e.what();
  }
}
