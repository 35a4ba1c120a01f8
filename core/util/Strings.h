#pragma once
// Small string helpers used across core (closest-match suggestions etc.).
#include <string>
#include <string_view>
#include <vector>

namespace scdfm {

std::string toLower(std::string_view s);
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Case-insensitive Levenshtein distance.
int editDistance(std::string_view a, std::string_view b);
// Up to `n` candidates closest to `query` (edit distance, prefix matches first).
std::vector<std::string> closestMatches(std::string_view query, const std::vector<std::string>& candidates,
                                        std::size_t n = 5);
// "A, B, C" or "A, B, C and 12 more" for messages.
std::string listForMessage(const std::vector<std::string>& items, std::size_t maxShown = 8);

}  // namespace scdfm
