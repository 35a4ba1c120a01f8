// `scdfm import` on a python-made torch.save of the golden tiny weights, the
// way the authors' save_checkpoint writes them.
#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "core/io/ModelCheckpoint.h"
#include "core/io/Safetensors.h"

using namespace scdfm;

namespace {
std::string scdfmBin() { return test::binDir() + "/scdfm"; }
}  // namespace

TEST(ImportCommand, AuthorsCheckpointRoundTrip) {
  const std::string golden = test::goldenDir() + "/tiny";
  if (!std::filesystem::exists(golden + "/weights.safetensors")) GTEST_SKIP() << "no golden tiny case";
  if (!test::pythonHas("torch")) GTEST_SKIP() << "python3 cannot import torch";
  auto dir = test::scratchDir("cli_import");
  auto py = test::runPython(R"PY(
import collections, json, struct, numpy as np, torch
G, OUT = ')PY" + golden + "', '" + dir + R"PY('
def read_st(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); h.pop('__metadata__', None)
    dt = {'F32': np.float32, 'I64': np.int64, 'U8': np.uint8}
    return {k: np.frombuffer(b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]],
                             dtype=dt[v['dtype']]).reshape(v['shape']).copy() for k, v in h.items()}
cfg = json.load(open(G + '/config.json'))
w = read_st(G + '/weights.safetensors')
sd = collections.OrderedDict(('model.' + k, torch.from_numpy(w[k])) for k in cfg['keys'])
opt = torch.optim.Adam([torch.nn.Parameter(v.clone()) for v in sd.values()], lr=5e-5)
torch.save({'iteration': 5000, 'model_state_dict': sd, 'optimizer_state_dict': opt.state_dict(), 'eval_score': None},
           OUT + '/checkpoint.pt')
torch.save(torch.from_numpy(read_st(G + '/forward.safetensors')['graph_mask']).bool(), OUT + '/mask.pt')
tokens = ['<pad>', '<cls>', '<mask>', 'control'] + sorted(cfg['graph']['gene_names_in_column_order'])
json.dump({t: i for i, t in enumerate(tokens)}, open(OUT + '/vocab.json', 'w'))
json.dump(tokens[:10], open(OUT + '/short_vocab.json', 'w'))
)PY");
  ASSERT_EQ(py.exitCode, 0) << py.output;
  auto r = test::runCommand(scdfmBin() + " import " + dir + "/checkpoint.pt --vocab " + dir + "/vocab.json --mask " + dir +
                            "/mask.pt --out " + dir + "/ours.safetensors");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("d_model 32, 2 layers, 4 heads"), std::string::npos) << r.output;
  auto c = readModelCheckpoint(dir + "/ours.safetensors");
  auto w = readSafetensors(golden + "/weights.safetensors");
  ASSERT_EQ(c.weights.size(), w.tensors.size());
  for (const auto& [k, t] : w.tensors) EXPECT_TRUE(c.weights.at(k).data == t.data) << k;
  EXPECT_EQ(c.training.steps, 5000);
  EXPECT_EQ(c.training.importedFrom, "checkpoint.pt");
  EXPECT_EQ(c.vocabulary.size(), 64u);
  EXPECT_EQ(c.genes.size(), 60u);
  ASSERT_TRUE(c.graphMask);
  auto fwd = readSafetensors(golden + "/forward.safetensors");
  EXPECT_TRUE(c.graphMask->data == fwd.at("graph_mask").data);

  // Bad input: exit code 2 with a message naming the problem.
  r = test::runCommand(scdfmBin() + " import " + dir + "/checkpoint.pt --vocab " + dir + "/short_vocab.json --mask " +
                       dir + "/mask.pt --out " + dir + "/x.safetensors");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("vocabulary"), std::string::npos) << r.output;
  r = test::runCommand(scdfmBin() + " import " + dir + "/vocab.json --out " + dir + "/x.safetensors");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.safetensors"));
}
