#include "core/util/Strings.h"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace scdfm {

std::string toLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

int editDistance(std::string_view a0, std::string_view b0) {
  const std::string a = toLower(a0), b = toLower(b0);
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> closestMatches(std::string_view query, const std::vector<std::string>& candidates,
                                        std::size_t n) {
  const std::string q = toLower(query);
  std::vector<std::pair<int, const std::string*>> scored;
  scored.reserve(candidates.size());
  for (const auto& c : candidates) {
    const std::string lc = toLower(c);
    int d = editDistance(q, lc);
    if (!q.empty() && lc.rfind(q, 0) == 0) d = -1;  // prefix matches rank first
    scored.emplace_back(d, &c);
  }
  const std::size_t k = std::min(n, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k), scored.end(),
                    [](const auto& x, const auto& y) { return x.first != y.first ? x.first < y.first : *x.second < *y.second; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < k; ++i) out.push_back(*scored[i].second);
  return out;
}

std::string listForMessage(const std::vector<std::string>& items, std::size_t maxShown) {
  std::string out;
  const std::size_t shown = std::min(maxShown, items.size());
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > shown) out += " and " + std::to_string(items.size() - shown) + " more";
  return out;
}

}  // namespace scdfm
