#include "core/io/ModelCheckpoint.h"

#include <array>
#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <set>

#include "core/io/TorchZipReader.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {
namespace {

constexpr const char* kMaskKey = "scdfm.graph_mask";
constexpr const char* kStatePrefix = "scdfm.state.";

std::string shapeText(const std::vector<std::int64_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + ")";
}

nlohmann::json parseMeta(const SafetensorsFile& f, const std::string& key, bool required,
                         const nlohmann::json& fallback) {
  auto it = f.metadata.find(key);
  if (it == f.metadata.end()) {
    if (required)
      throw InputError(f.path, "__metadata__." + key, "missing",
                       "The file is not a complete scDFM Studio checkpoint; re-create it with `scdfm import` or "
                       "`scdfm train`");
    return fallback;
  }
  try {
    return nlohmann::json::parse(it->second);
  } catch (const std::exception& e) {
    throw InputError(f.path, "__metadata__." + key, std::string("is not valid JSON (") + e.what() + ")",
                     "The checkpoint is corrupt");
  }
}

// --- SHA-256 (FIPS 180-4), for data provenance without another dependency ---
class Sha256 {
 public:
  void update(const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      buf_[len_++] = p[i];
      if (len_ == 64) {
        block(buf_.data());
        len_ = 0;
      }
    }
    bits_ += static_cast<std::uint64_t>(n) * 8;
  }
  std::string hex() {
    std::uint64_t bits = bits_;
    std::uint8_t pad = 0x80;
    update(&pad, 1);
    std::uint8_t zero = 0;
    while (len_ != 56) update(&zero, 1);
    std::uint8_t lenBytes[8];
    for (int i = 0; i < 8; ++i) lenBytes[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    update(lenBytes, 8);
    std::string out;
    for (auto v : h_) out += fmt::format("{:08x}", v);
    return out;
  }

 private:
  static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
  void block(const std::uint8_t* p) {
    static constexpr std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (std::uint32_t{p[4 * i]} << 24) | (std::uint32_t{p[4 * i + 1]} << 16) |
             (std::uint32_t{p[4 * i + 2]} << 8) | p[4 * i + 3];
    for (int i = 16; i < 64; ++i) {
      std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, h] = h_;
    for (int i = 0; i < 64; ++i) {
      std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h_[0] += a; h_[1] += b; h_[2] += c; h_[3] += d; h_[4] += e; h_[5] += f; h_[6] += g; h_[7] += h;
  }
  std::array<std::uint32_t, 8> h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, 64> buf_{};
  std::size_t len_ = 0;
  std::uint64_t bits_ = 0;
};

}  // namespace

void to_json(nlohmann::json& j, const CheckpointPreprocessing& p) {
  j = {{"normalize_total", p.normalizeTotal},
       {"log1p", p.log1p},
       {"gene_selection", p.geneSelection},
       {"expression_source", p.expressionSource}};
}
void from_json(const nlohmann::json& j, CheckpointPreprocessing& p) {
  p.normalizeTotal = j.value("normalize_total", 0.0);
  p.log1p = j.value("log1p", false);
  p.geneSelection = j.value("gene_selection", std::string());
  p.expressionSource = j.value("expression_source", std::string("X"));
}
void to_json(nlohmann::json& j, const CheckpointTraining& t) {
  j = {{"data_file", t.dataFile},
       {"data_sha256", t.dataSha256},
       {"split", t.split},
       {"train_conditions", t.trainConditions},
       {"test_conditions", t.testConditions},
       {"steps", t.steps},
       {"seed", t.seed},
       {"context_column", t.contextColumn},
       {"hyper", t.hyper},
       {"metrics", t.metrics},
       {"imported_from", t.importedFrom},
       {"created_by", t.createdBy},
       {"created_at", t.createdAt}};
}
void from_json(const nlohmann::json& j, CheckpointTraining& t) {
  t.dataFile = j.value("data_file", std::string());
  t.dataSha256 = j.value("data_sha256", std::string());
  t.split = j.value("split", std::string());
  t.trainConditions = j.value("train_conditions", std::vector<std::string>());
  t.testConditions = j.value("test_conditions", std::vector<std::string>());
  t.steps = j.value("steps", std::int64_t{0});
  t.seed = j.value("seed", std::uint64_t{0});
  t.contextColumn = j.value("context_column", std::string());
  t.hyper = j.value("hyper", nlohmann::json::object());
  t.metrics = j.value("metrics", nlohmann::json::object());
  t.importedFrom = j.value("imported_from", std::string());
  t.createdBy = j.value("created_by", std::string());
  t.createdAt = j.value("created_at", std::string());
}

std::map<std::string, std::vector<std::int64_t>> ModelCheckpoint::weightShapes() const {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const auto& [k, t] : weights) out[k] = t.shape;
  return out;
}

void checkWeightShapes(const std::map<std::string, RawTensor>& weights,
                       const std::map<std::string, std::vector<std::int64_t>>& expected, const std::string& source,
                       bool allowUnexpected) {
  std::vector<std::string> missing, unexpected, misShaped;
  for (const auto& [k, shape] : expected) {
    auto it = weights.find(k);
    if (it == weights.end()) missing.push_back(k);
    else if (it->second.shape != shape)
      misShaped.push_back(k + " " + shapeText(it->second.shape) + " instead of " + shapeText(shape));
  }
  if (!allowUnexpected)
    for (const auto& [k, t] : weights)
      if (!expected.count(k)) unexpected.push_back(k);
  if (missing.empty() && unexpected.empty() && misShaped.empty()) return;
  std::string problem;
  if (!missing.empty()) problem += std::to_string(missing.size()) + " missing: " + listForMessage(missing, 6) + ". ";
  if (!misShaped.empty())
    problem += std::to_string(misShaped.size()) + " with the wrong shape: " + listForMessage(misShaped, 6) + ". ";
  if (!unexpected.empty())
    problem += std::to_string(unexpected.size()) + " unexpected: " + listForMessage(unexpected, 6) + ". ";
  throw InputError(source, "weights", "the weights do not fit the model: " + problem,
                   "The checkpoint was made for another model configuration; check model_config");
}

void validateCheckpoint(const ModelCheckpoint& c, const std::string& source) {
  if (c.weights.empty())
    throw InputError(source, "weights", "the checkpoint holds no model weights", "Re-create it with `scdfm import`");
  for (const auto& [k, t] : c.weights) {
    if (k.rfind("scdfm.", 0) == 0)
      throw InputError(source, "weights." + k, "weight names must not start with 'scdfm.' (reserved)");
    if (t.dtype != DType::F32 && t.dtype != DType::F16 && t.dtype != DType::BF16 && t.dtype != DType::F64)
      throw InputError(source, "weights." + k, std::string("has dtype ") + toString(t.dtype) + ", expected floats",
                       "Model weights are floating point");
  }
  if (!c.modelConfig.is_object())
    throw InputError(source, "__metadata__.model_config", "must be a JSON object");
  std::set<std::string> seen;
  for (const auto& g : c.genes)
    if (!seen.insert(g).second) throw InputError(source, "__metadata__.genes", "gene '" + g + "' appears twice");
  const std::int64_t ntoken = c.modelConfig.value("ntoken", std::int64_t{0});
  if (!c.vocabulary.empty()) {
    if (ntoken > 0 && static_cast<std::int64_t>(c.vocabulary.size()) > ntoken)
      throw InputError(source, "__metadata__.vocabulary",
                       fmt::format("has {} tokens but the model's embedding has only {} rows", c.vocabulary.size(),
                                   ntoken),
                       "The vocabulary belongs to another model");
    std::set<std::string> vocab(c.vocabulary.begin(), c.vocabulary.end());
    std::vector<std::string> notInVocab;
    for (const auto& g : c.genes)
      if (!vocab.count(g)) notInVocab.push_back(g);
    if (!notInVocab.empty())
      throw InputError(source, "__metadata__.genes",
                       std::to_string(notInVocab.size()) + " genes are not in the vocabulary: " +
                           listForMessage(notInVocab),
                       "The gene list and the vocabulary must come from the same model");
  }
  if (c.graphMask) {
    const auto& m = *c.graphMask;
    if (m.shape.size() != 2 || m.shape[0] != m.shape[1])
      throw InputError(source, kMaskKey, "must be a square matrix, found shape " + shapeText(m.shape));
    if (m.dtype != DType::BOOL && m.dtype != DType::U8)
      throw InputError(source, kMaskKey, std::string("must be boolean, found ") + toString(m.dtype));
    if (ntoken > 0 && m.shape[0] > ntoken)
      throw InputError(source, kMaskKey,
                       fmt::format("covers {} tokens but the model's embedding has only {} rows", m.shape[0], ntoken),
                       "The mask belongs to another model");
    if (!c.vocabulary.empty() && m.shape[0] > static_cast<std::int64_t>(c.vocabulary.size()))
      throw InputError(source, kMaskKey,
                       fmt::format("covers {} tokens but the vocabulary has only {}", m.shape[0], c.vocabulary.size()),
                       "The mask and the vocabulary must come from the same data (graph tokens = special tokens + "
                       "genes)");
    if (m.data.size() != static_cast<std::size_t>(m.numel()))
      throw InputError(source, kMaskKey, "data size does not match its shape");
  }
}

void writeModelCheckpoint(const std::string& path, const ModelCheckpoint& c) {
  validateCheckpoint(c, path);
  SafetensorsFile f;
  f.path = path;
  f.metadata["format"] = kCheckpointFormat;
  f.metadata["format_version"] = std::to_string(kCheckpointFormatVersion);
  f.metadata["model_config"] = c.modelConfig.dump();
  f.metadata["genes"] = nlohmann::json(c.genes).dump();
  f.metadata["vocabulary"] = nlohmann::json(c.vocabulary).dump();
  f.metadata["drugs"] = nlohmann::json(c.drugs).dump();
  f.metadata["graph"] = c.graph.dump();
  f.metadata["preprocessing"] = nlohmann::json(c.preprocessing).dump();
  f.metadata["training"] = nlohmann::json(c.training).dump();
  if (!c.trainerMeta.empty()) f.metadata["trainer_state"] = c.trainerMeta.dump();
  f.tensors = c.weights;
  if (c.graphMask) {
    RawTensor m = *c.graphMask;
    m.dtype = DType::BOOL;
    for (auto& b : m.data) b = b ? 1 : 0;
    f.tensors[kMaskKey] = std::move(m);
  }
  for (const auto& [k, t] : c.trainerState) f.tensors[kStatePrefix + k] = t;
  writeSafetensors(path, f);
}

ModelCheckpoint readModelCheckpoint(const std::string& path) {
  if (looksLikeTorchZip(path))
    throw InputError(path, "", "is a PyTorch checkpoint (torch.save), not an scDFM Studio .safetensors checkpoint",
                     "Convert it first: scdfm import " + path + " --out model.safetensors [--vocab tokenizer.json] "
                     "[--mask mask.pt]");
  SafetensorsFile f = readSafetensors(path);
  auto fmtIt = f.metadata.find("format");
  if (fmtIt == f.metadata.end() || fmtIt->second != kCheckpointFormat)
    throw InputError(path, "__metadata__.format",
                     f.metadata.empty() ? "this safetensors file has no scDFM Studio metadata (a bare state_dict?)"
                                        : "not an scDFM Studio checkpoint",
                     "Convert it first: scdfm import " + path + " --out model.safetensors [--vocab tokenizer.json] "
                     "[--mask mask.pt]");
  const auto version = parseMeta(f, "format_version", true, {});
  if (!version.is_number_integer() || version.get<int>() > kCheckpointFormatVersion)
    throw InputError(path, "__metadata__.format_version", "unsupported version " + version.dump(),
                     "The checkpoint was written by a newer scDFM Studio; update this one");
  ModelCheckpoint c;
  try {
    c.modelConfig = parseMeta(f, "model_config", true, {});
    c.genes = parseMeta(f, "genes", true, {}).get<std::vector<std::string>>();
    c.vocabulary = parseMeta(f, "vocabulary", false, nlohmann::json::array()).get<std::vector<std::string>>();
    c.drugs = parseMeta(f, "drugs", false, nlohmann::json::array()).get<std::vector<std::string>>();
    c.graph = parseMeta(f, "graph", false, nlohmann::json::object());
    c.preprocessing = parseMeta(f, "preprocessing", false, nlohmann::json::object()).get<CheckpointPreprocessing>();
    c.training = parseMeta(f, "training", false, nlohmann::json::object()).get<CheckpointTraining>();
    c.trainerMeta = parseMeta(f, "trainer_state", false, nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, "__metadata__", std::string("malformed entry (") + e.what() + ")",
                     "The checkpoint is corrupt");
  }
  const std::string statePrefix = kStatePrefix;
  for (auto& [k, t] : f.tensors) {
    if (k == kMaskKey) c.graphMask = std::move(t);
    else if (k.rfind(statePrefix, 0) == 0) c.trainerState[k.substr(statePrefix.size())] = std::move(t);
    else if (k.rfind("scdfm.", 0) == 0)
      throw InputError(path, "tensor '" + k + "'", "unknown reserved tensor name",
                       "The checkpoint was written by a newer scDFM Studio");
    else c.weights[k] = std::move(t);
  }
  validateCheckpoint(c, path);
  return c;
}

bool isModelCheckpoint(const std::string& path) {
  try {
    auto f = readSafetensorsHeader(path);
    auto it = f.metadata.find("format");
    return it != f.metadata.end() && it->second == kCheckpointFormat;
  } catch (const InputError&) {
    return false;
  }
}

std::string sha256File(const std::string& path, const CancelToken& cancel) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open the file to compute its SHA-256", "Check the path");
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    cancel.throwIfCancelled();
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(reinterpret_cast<const std::uint8_t*>(buf.data()), static_cast<std::size_t>(in.gcount()));
  }
  return h.hex();
}

std::string utcNowIso8601() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace scdfm
