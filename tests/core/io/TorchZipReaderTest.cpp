// TorchZipReader against files written by the real torch.save (Python), with
// expected bytes computed by PyTorch itself (.contiguous().numpy().tobytes()).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "core/io/TorchZipReader.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

bool haveTorch() {
  static const bool has = test::pythonHas("torch");
  return has;
}

// Python helper: write `obj` with torch.save and, beside it, a JSON with the
// expected dtype/shape/hex bytes of every tensor reachable by dotted path.
const char* kPyPrelude = R"PY(
import collections, json, sys, torch
DT = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16',
      torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8',
      torch.bool: 'BOOL'}
def walk(o, path, out):
    if isinstance(o, torch.Tensor):
        t = o.detach().contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        out[path] = {'dtype': DT[t.dtype], 'shape': list(t.shape), 'hex': raw.hex()}
    elif isinstance(o, dict):
        for k, v in o.items(): walk(v, (path + '.' if path else '') + str(k), out)
    elif isinstance(o, (list, tuple)):
        for i, v in enumerate(o): walk(v, (path + '.' if path else '') + str(i), out)
def save(obj, path):
    torch.save(obj, path)
    out = {}
    walk(obj, '', out)
    json.dump(out, open(path + '.json', 'w'))
torch.manual_seed(0)
)PY";

std::string hexOf(const std::vector<std::uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

void expectMatchesPython(const TorchCheckpoint& c, const std::string& jsonPath) {
  std::ifstream in(jsonPath);
  ASSERT_TRUE(in) << jsonPath;
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(c.tensors.size(), j.size());
  for (auto it = j.begin(); it != j.end(); ++it) {
    SCOPED_TRACE(it.key());
    auto t = c.tensors.find(it.key());
    ASSERT_NE(t, c.tensors.end());
    EXPECT_STREQ(toString(t->second.dtype), (*it)["dtype"].get<std::string>().c_str());
    EXPECT_EQ(t->second.shape, (*it)["shape"].get<std::vector<std::int64_t>>());
    EXPECT_EQ(hexOf(t->second.data), (*it)["hex"].get<std::string>());
  }
}

std::string make(const std::string& name, const std::string& body) {
  auto dir = test::scratchDir("torchzip_" + name);
  auto path = dir + "/" + name + ".pt";
  auto r = test::runPython(std::string(kPyPrelude) + "\npath = '" + path + "'\n" + body);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return path;
}

}  // namespace

TEST(TorchZipReader, PlainDictOfTensors) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("plain", "save({'w': torch.randn(3, 4), 'b': torch.randn(4), 'e': torch.zeros(0, 2)}, path)\n");
  auto c = readTorchCheckpoint(p);
  expectMatchesPython(c, p + ".json");
  auto sd = c.stateDict();
  ASSERT_EQ(sd.size(), 3u);
  EXPECT_EQ(sd[0].first, "w");  // file order kept
  EXPECT_EQ(sd[2].first, "e");
}

TEST(TorchZipReader, OrderedDictStateDictFromAModule) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("module", R"PY(
m = torch.nn.Sequential(torch.nn.Linear(5, 3), torch.nn.GELU(), torch.nn.LayerNorm(3), torch.nn.Embedding(7, 3))
sd = m.state_dict()
assert isinstance(sd, collections.OrderedDict) and hasattr(sd, '_metadata')
save(sd, path)
)PY");
  auto c = readTorchCheckpoint(p);
  expectMatchesPython(c, p + ".json");
  auto sd = c.stateDict();
  std::vector<std::string> names;
  for (auto& [k, v] : sd) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias", "3.weight"}));
}

TEST(TorchZipReader, NestedCheckpointWithOptimizerAndScheduler) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("nested", R"PY(
m = torch.nn.Linear(4, 2)
opt = torch.optim.Adam(m.parameters(), lr=5e-5)
sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=200000, eta_min=1e-6)
for _ in range(2):
    opt.zero_grad(set_to_none=True); m(torch.randn(3, 4)).pow(2).sum().backward(); opt.step(); sch.step()
save({'iteration': 3, 'model_state_dict': m.state_dict(), 'optimizer_state_dict': opt.state_dict(),
      'scheduler_state_dict': sch.state_dict(), 'eval_score': None, 'name': 'run', 'lr': 2.5e-5,
      'big': 2**40, 'neg': -7, 'flag': True, 'param': torch.nn.Parameter(torch.ones(2)),
      'dtype': torch.float32, 'blob': b'\x00\xffab'}, path)
)PY");
  auto c = readTorchCheckpoint(p);
  expectMatchesPython(c, p + ".json");
  EXPECT_EQ(c.scalars.at("iteration")->i, 3);
  EXPECT_EQ(c.scalars.at("eval_score")->kind, PyValue::Kind::None);
  EXPECT_EQ(c.scalars.at("name")->text, "run");
  EXPECT_EQ(c.scalars.at("lr")->f, 2.5e-5);
  EXPECT_EQ(c.scalars.at("big")->i, std::int64_t{1} << 40);
  EXPECT_EQ(c.scalars.at("neg")->i, -7);
  EXPECT_TRUE(c.scalars.at("flag")->b);
  EXPECT_EQ(c.scalars.at("optimizer_state_dict.param_groups.0.initial_lr")->f, 5e-5);
  EXPECT_EQ(c.scalars.at("scheduler_state_dict.T_max")->i, 200000);
  EXPECT_EQ(c.root->get("blob")->text, std::string("\x00\xff" "ab", 4));
  // The optimizer moments are tensors; the state_dict is found under model_state_dict.
  EXPECT_TRUE(c.tensors.count("optimizer_state_dict.state.0.exp_avg"));
  auto sd = c.stateDict();
  ASSERT_EQ(sd.size(), 2u);
  EXPECT_EQ(sd[0].first, "weight");
  auto j = toJson(*c.root->get("optimizer_state_dict")->get("param_groups"));
  EXPECT_EQ(j[0]["betas"][1].get<double>(), 0.999);
}

TEST(TorchZipReader, ViewsWithOffsetAndStridesAreMaterialised) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("views", R"PY(
base = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5)
v = {'t': base.transpose(0, 2), 'slice': base[1:, ::2, 1:4], 'row': base[2, 1], 'col': base[:, :, 3],
     'expanded': torch.arange(3.).reshape(3, 1).expand(3, 4), 'scalar': base[1, 2, 3], 'base': base}
assert not v['t'].is_contiguous() and v['row'].storage_offset() > 0
save(v, path)
)PY");
  auto c = readTorchCheckpoint(p);
  expectMatchesPython(c, p + ".json");
  EXPECT_TRUE(c.tensors.at("scalar").shape.empty());
  EXPECT_EQ(c.tensors.at("scalar").toFloat()[0], 33.0f);
}

TEST(TorchZipReader, DTypesBoolInt64HalfAndOthers) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("dtypes", R"PY(
save({'bool': torch.rand(4, 6) > 0.5, 'i64': torch.tensor([-(2**40), 0, 5, 2**62]),
      'half': torch.randn(5).half(), 'bf16': torch.randn(3).bfloat16(), 'f64': torch.randn(2, 2).double(),
      'i32': torch.tensor([1, -2], dtype=torch.int32), 'u8': torch.tensor([0, 255], dtype=torch.uint8),
      'i8': torch.tensor([-128, 7], dtype=torch.int8), 'i16': torch.tensor([-3], dtype=torch.int16)}, path)
)PY");
  auto c = readTorchCheckpoint(p);
  expectMatchesPython(c, p + ".json");
  EXPECT_EQ(c.tensors.at("i64").toInt64()[3], std::int64_t{1} << 62);
}

TEST(TorchZipReader, BareBoolMaskTensor) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("mask", R"PY(
m = torch.ones(9, 9, dtype=torch.bool); m[4:, 4:] = torch.rand(5, 5) > 0.5; m.fill_diagonal_(False)
torch.save(m, path)
open(path + '.hex', 'w').write(m.numpy().tobytes().hex())
)PY");
  auto t = readTorchTensor(p);
  EXPECT_EQ(t.dtype, DType::BOOL);
  EXPECT_EQ(t.shape, (std::vector<std::int64_t>{9, 9}));
  std::ifstream in(p + ".hex");
  std::string hex;
  in >> hex;
  EXPECT_EQ(hexOf(t.data), hex);
  // A dict is not a bare tensor.
  auto q = make("notmask", "torch.save({'a': torch.ones(1)}, path)\n");
  EXPECT_THROW(readTorchTensor(q), InputError);
}

TEST(TorchZipReader, CorruptAndTruncatedFilesAreInputErrors) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("corrupt", "save({'w': torch.randn(64, 64), 'b': torch.randn(8)}, path)\n");
  std::ifstream in(p, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto dir = std::filesystem::path(p).parent_path().string();
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir + "/" + name, std::ios::binary) << content;
    return dir + "/" + name;
  };
  // Truncated at several points: end record missing, storage cut, pickle cut.
  for (std::size_t cut : {bytes.size() - 10, bytes.size() / 2, std::size_t{200}, std::size_t{3}}) {
    SCOPED_TRACE(cut);
    EXPECT_THROW(readTorchCheckpoint(write("cut.pt", bytes.substr(0, cut))), InputError);
  }
  // A flipped byte inside a storage fails the CRC check.
  std::string flipped = bytes;
  auto at = flipped.find("data/0");
  ASSERT_NE(at, std::string::npos);
  flipped[at + 200] ^= 0x5a;
  EXPECT_THROW(readTorchCheckpoint(write("flip.pt", flipped)), InputError);
  EXPECT_THROW(readTorchCheckpoint(write("empty.pt", "")), InputError);
  EXPECT_THROW(readTorchCheckpoint(write("text.pt", "hello, this is not a checkpoint")), InputError);
  EXPECT_THROW(readTorchCheckpoint(dir + "/does-not-exist.pt"), InputError);
  try {
    readTorchCheckpoint(write("cut.pt", bytes.substr(0, bytes.size() / 2)));
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.pt"), std::string::npos) << e.what();
  }
}

TEST(TorchZipReader, UnknownGlobalsAndCompressedEntriesAreNamed) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("global", R"PY(
import fractions, zipfile
torch.save({'x': fractions.Fraction(1, 3)}, path)
# The same archive re-zipped with deflate.
src = zipfile.ZipFile(torch.__file__ and path)
with zipfile.ZipFile(path + '.deflate.pt', 'w', compression=zipfile.ZIP_DEFLATED) as z:
    for i in src.infolist(): z.writestr(i.filename, src.read(i.filename))
)PY");
  try {
    readTorchCheckpoint(p);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fractions.Fraction"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("global.pt"), std::string::npos) << e.what();
  }
  try {
    readTorchCheckpoint(p + ".deflate.pt");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("compressed"), std::string::npos) << e.what();
  }
}

namespace {
// The message of the InputError reading `path` raises ("" when none).
std::string readError(const std::string& path) {
  try {
    readTorchCheckpoint(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}
}  // namespace

// Small hostile pickles (fuzzing found this class of input): each must be an
// InputError naming the file, without exhausting time, memory or the stack.
TEST(TorchZipReader, HostilePicklesAreRefusedCheaply) {
  if (!haveTorch()) GTEST_SKIP() << "python3 cannot import torch";
  auto p = make("hostile", R"PY(
import zipfile
def archive(name, pkl):
    with zipfile.ZipFile(path + name, 'w') as z:
        z.writestr('archive/data.pkl', pkl)
        z.writestr('archive/byteorder', 'little')
archive('.cycle.pt', b'\x80\x02]q\x00h\x00a.')                    # a list that holds itself
archive('.deep.pt', b'\x80\x02' + b']' * 300 + b'a' * 299 + b'.')  # nested 300 deep
archive('.memo.pt', b'\x80\x02Nr\xff\xff\xff\x7f.')                 # memo index 2^31 in a 12-byte pickle
# 40 levels, each a list holding the level below twice: 2^40 paths.
archive('.laughs.pt', b'\x80\x02N' + b'q\x00(h\x00h\x00l' * 40 + b'.')
# A 1-element storage viewed as 10^12 elements with stride 0 (torch's expand).
torch.save(torch.ones(1).expand(10**12), path + '.expand.pt')
)PY");
  for (const auto& [suffix, needle] : std::vector<std::pair<std::string, std::string>>{
           {".cycle.pt", "holds itself"},
           {".deep.pt", "nested more than 256"},
           {".memo.pt", "memo key"},
           {".laughs.pt", "more than a million times"},
           {".expand.pt", "would need"}}) {
    SCOPED_TRACE(suffix);
    const std::string msg = readError(p + suffix);
    EXPECT_NE(msg.find(p + suffix), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << msg;
  }
}
