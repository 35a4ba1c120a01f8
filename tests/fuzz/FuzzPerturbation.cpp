// Fuzz target: perturbation text. The first line is what a user types
// (parsePerturbationQuery, then resolved against a small catalog); the second
// and third are a condition label and its dose text as found in a file
// (parseConditionLabel, with the separators and units datasets use).
#include <string>
#include <string_view>

#include "FuzzSupport.h"
#include "core/data/ColumnRoles.h"
#include "core/data/PerturbationCatalog.h"
#include "core/io/AnnData.h"

namespace scdfm::fuzz {
namespace {

std::string_view nextLine(std::string_view& rest) {
  const auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

const PerturbationCatalog& smallCatalog() {
  static const PerturbationCatalog catalog = [] {
    DataFrame obs;
    const std::vector<std::string> labels{"ctrl", "KLF1+ctrl", "KLF1+MAP2K6", "dex", "dex+nutlin", "BAK1"};
    const std::vector<std::string> doses{"0", "0", "0", "10", "10+100", "0"};
    for (std::size_t i = 0; i < labels.size(); ++i) obs.index.push_back("c" + std::to_string(i));
    obs.columns.push_back(categoricalColumn("condition", labels));
    obs.columns.push_back(categoricalColumn("dose", doses));
    ColumnRoles roles;
    roles.condition = "condition";
    roles.dose = "dose";
    roles.doseUnit = "nM";
    return PerturbationCatalog::build(obs, roles, "catalog");
  }();
  return catalog;
}

}  // namespace

void runPerturbation(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string query(nextLine(rest));
  const std::string label(nextLine(rest));
  const std::string dose(nextLine(rest));
  stage([&] {
    Perturbation p = parsePerturbationQuery(query);
    (void)p.key();
    (void)p.display();
    for (const auto& c : p.components) (void)componentKey(c);
  });
  stage([&] { (void)smallCatalog().resolve(query); });
  for (const char* separators : {"+", "+|;"}) {
    stage([&] {
      ConditionParseOptions o;
      o.separators = separators;
      o.doseUnit = "uM";
      Perturbation p = parseConditionLabel(label, dose, o);
      (void)p.key();
      (void)p.display();
    });
  }
}

}  // namespace scdfm::fuzz
