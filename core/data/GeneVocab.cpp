#include "core/data/GeneVocab.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

const std::vector<std::string>& GeneVocab::specialTokens() {
  static const std::vector<std::string> s{"<pad>", "<cls>", "<mask>", "control"};
  return s;
}

GeneVocab::GeneVocab() : GeneVocab(fromTokens(specialTokens())) {}

GeneVocab GeneVocab::fromGenes(const std::vector<std::string>& genes) {
  const auto& sp = specialTokens();
  std::set<std::string> unique;  // std::string compares bytewise = Python's order for UTF-8
  for (const auto& g : genes)
    if (std::find(sp.begin(), sp.end(), g) == sp.end()) unique.insert(g);
  std::vector<std::string> tokens = sp;
  tokens.insert(tokens.end(), unique.begin(), unique.end());
  return fromTokens(std::move(tokens));
}

GeneVocab GeneVocab::fromTokens(std::vector<std::string> tokensById, const std::string& source) {
  GeneVocab v{Empty{}};
  const auto& sp = specialTokens();
  for (std::size_t i = 0; i < sp.size(); ++i)
    if (tokensById.size() <= i || tokensById[i] != sp[i])
      throw InputError(source, "vocabulary id " + std::to_string(i),
                       "expected the special token '" + sp[i] + "'" +
                           (tokensById.size() > i ? ", found '" + tokensById[i] + "'" : ", the vocabulary is too short"),
                       "The vocabulary must start with <pad>, <cls>, <mask>, control (ids 0..3), as the authors' "
                       "tokenizer files do");
  for (std::size_t i = 0; i < tokensById.size(); ++i) {
    if (tokensById[i].empty())
      throw InputError(source, "vocabulary id " + std::to_string(i), "empty token", "Every id needs a token");
    if (!v.ids_.emplace(tokensById[i], static_cast<std::int64_t>(i)).second)
      throw InputError(source, "vocabulary token '" + tokensById[i] + "'", "appears twice",
                       "Each token must have one id");
  }
  v.tokens_ = std::move(tokensById);
  return v;
}

GeneVocab GeneVocab::fromJson(const nlohmann::json& j, const std::string& source) {
  if (j.is_array()) {
    std::vector<std::string> tokens;
    for (const auto& t : j) {
      if (!t.is_string()) throw InputError(source, "vocabulary", "list entries must be strings");
      tokens.push_back(t.get<std::string>());
    }
    return fromTokens(std::move(tokens), source);
  }
  if (!j.is_object())
    throw InputError(source, "vocabulary", "expected a JSON object {token: id} or a list of tokens",
                     "Use the authors' src/tokenizer/<data>_<n>_highly_vocab.json");
  std::vector<std::string> tokens(j.size());
  std::vector<bool> seen(j.size(), false);
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_number_integer())
      throw InputError(source, "vocabulary token '" + it.key() + "'", "id is not an integer");
    const auto id = it->get<std::int64_t>();
    if (id < 0 || id >= static_cast<std::int64_t>(j.size()) || seen[static_cast<std::size_t>(id)])
      throw InputError(source, "vocabulary token '" + it.key() + "'",
                       "id " + std::to_string(id) + " is out of range or used twice",
                       "Ids must be 0..N-1, each used once");
    seen[static_cast<std::size_t>(id)] = true;
    tokens[static_cast<std::size_t>(id)] = it.key();
  }
  return fromTokens(std::move(tokens), source);
}

GeneVocab GeneVocab::readJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "", "cannot open the vocabulary file", "Check the path");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw InputError(path, "", std::string("not valid JSON (") + e.what() + ")", "Choose a tokenizer .json file");
  }
  return fromJson(j, path);
}

nlohmann::json GeneVocab::toJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < tokens_.size(); ++i) j[tokens_[i]] = static_cast<std::int64_t>(i);
  return j;
}

const std::string& GeneVocab::token(std::int64_t id) const {
  if (id < 0 || id >= size())
    throw InputError("", "vocabulary", "token id " + std::to_string(id) + " is out of range (size " +
                                           std::to_string(size()) + ")");
  return tokens_[static_cast<std::size_t>(id)];
}

std::vector<std::string> GeneVocab::genes() const {
  return {tokens_.begin() + std::min<std::ptrdiff_t>(kSpecials, static_cast<std::ptrdiff_t>(tokens_.size())),
          tokens_.end()};
}

std::optional<std::int64_t> GeneVocab::find(const std::string& token) const {
  auto it = ids_.find(token);
  if (it != ids_.end()) return it->second;
  if (token == "ctrl") return kControl;
  return std::nullopt;
}

std::int64_t GeneVocab::id(const std::string& token, const std::string& where, const std::string& source) const {
  auto r = encode({token}, where, source);
  return r.front();
}

std::vector<std::int64_t> GeneVocab::encode(const std::vector<std::string>& tokens, const std::string& where,
                                            const std::string& source) const {
  std::vector<std::int64_t> out;
  std::vector<std::string> missing;
  out.reserve(tokens.size());
  for (const auto& t : tokens) {
    if (auto i = find(t)) out.push_back(*i);
    else missing.push_back(t);
  }
  if (missing.empty()) return out;
  std::string problem = missing.size() == 1 ? "'" + missing.front() + "' is not in the model's vocabulary"
                                            : std::to_string(missing.size()) +
                                                  " names are not in the model's vocabulary: " + listForMessage(missing);
  std::string hint;
  const auto candidates = genes();
  for (std::size_t k = 0; k < std::min<std::size_t>(3, missing.size()); ++k) {
    auto close = closestMatches(missing[k], candidates, 5);
    if (!close.empty()) hint += (hint.empty() ? "" : "; ") + ("closest to '" + missing[k] + "': " + join(close, ", "));
  }
  hint += (hint.empty() ? "" : ". ") + std::string("The model knows ") + std::to_string(candidates.size()) +
          " genes; only these can be perturbed or predicted";
  throw InputError(source, where.empty() ? "vocabulary" : where, problem, hint);
}

}  // namespace scdfm
