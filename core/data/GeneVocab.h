#pragma once
// The model's token vocabulary, with the authors' semantics (spec §1.5):
// ids 0..3 are the special tokens <pad>, <cls>, <mask>, control; gene symbols
// follow from id 4, sorted in Python string order (byte order of UTF-8).
// Lookup is strict (as the authors' encode); a miss is an InputError naming
// the token and the closest tokens. GEARS' "ctrl" is read as "control".
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace scdfm {

class GeneVocab {
 public:
  static constexpr std::int64_t kPad = 0, kCls = 1, kMask = 2, kControl = 3, kSpecials = 4;
  static const std::vector<std::string>& specialTokens();  // <pad> <cls> <mask> control

  GeneVocab();  // the special tokens only

  // Specials first, then the unique genes sorted (what the authors do when no
  // vocabulary JSON exists). Special-token names among the genes are dropped.
  static GeneVocab fromGenes(const std::vector<std::string>& genes);
  // Tokens listed by id (index = id). Validates uniqueness and the specials.
  static GeneVocab fromTokens(std::vector<std::string> tokensById, const std::string& source = {});
  // The authors' tokenizer JSON ({token: id}) or a list of tokens by id.
  static GeneVocab fromJson(const nlohmann::json& j, const std::string& source = {});
  static GeneVocab readJsonFile(const std::string& path);
  nlohmann::json toJson() const;  // {token: id}, as the authors' files

  std::int64_t size() const { return static_cast<std::int64_t>(tokens_.size()); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::string& token(std::int64_t id) const;
  std::vector<std::string> genes() const;  // tokens from id 4 on

  bool contains(const std::string& token) const { return find(token).has_value(); }
  std::optional<std::int64_t> find(const std::string& token) const;
  // Strict lookup; `where` and `source` label the error ("perturbation 'A+B'", file).
  std::int64_t id(const std::string& token, const std::string& where = {}, const std::string& source = {}) const;
  // Every unknown token is listed in one error (with closest matches for the first few).
  std::vector<std::int64_t> encode(const std::vector<std::string>& tokens, const std::string& where = {},
                                   const std::string& source = {}) const;

  bool operator==(const GeneVocab& o) const { return tokens_ == o.tokens_; }

 private:
  struct Empty {};
  explicit GeneVocab(Empty) {}
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace scdfm
