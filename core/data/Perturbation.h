#pragma once
// A perturbation condition: the genes knocked down / drugs applied to a cell
// (none = control), and the two parsers that produce one:
//  - parseConditionLabel: labels as written in .h5ad files (GEARS/Norman
//    `condition`, scPerturb `perturbation`, sci-Plex drug + dose columns);
//  - parsePerturbationQuery: what a user types in the CLI or the GUI picker.
//
// Query syntax (what users type), case-insensitive keywords:
//   query     := control | component ( '+' component )*
//   control   := 'ctrl' | 'control' | any configured control label
//   component := [ kind ':' ] name [ '@' dose [ unit ] ]
//   kind      := 'gene' | 'drug'        (default: decided by the dataset)
//   name      := characters other than '+', '@', ':' (surrounding spaces trimmed)
//   dose      := a decimal number: 10, 0.5, 1e3
//   unit      := pM | nM | uM | µM | mM | M   (default: the dataset's dose unit)
// Examples: "KLF1", "KLF1+MAP2K6", "ctrl", "dexamethasone@10",
// "drug:dexamethasone@10uM", "Panobinostat@10+Crizotinib@100".
// A control token inside a combination ("KLF1+ctrl") is dropped, as in GEARS.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scdfm {

enum class PerturbationKind { Control, Gene, Drug, Mixed };
const char* toString(PerturbationKind k);

struct PerturbationComponent {
  std::string name;
  PerturbationKind kind = PerturbationKind::Gene;  // Gene or Drug
  bool kindGiven = false;                          // typed as "gene:" / "drug:"
  std::optional<double> dose;
  std::string doseUnit;  // as typed or as declared by the dataset ("" = unknown)

  bool operator==(const PerturbationComponent& o) const;
};

struct Perturbation {
  std::vector<PerturbationComponent> components;  // empty = control

  bool isControl() const { return components.empty(); }
  bool isCombination() const { return components.size() > 1; }
  // Control, Gene, Drug, or Mixed (genes and drugs together).
  PerturbationKind kind() const;
  // Canonical, order-independent key: components sorted by name, each as
  // "name" or "name@dose", joined by '+'; "ctrl" for control. Units are not
  // part of the key (doses are compared in the dataset's unit).
  std::string key() const;
  // Human-readable form, with units where known ("dexamethasone@10 nM").
  std::string display() const;
};

// Key of one component as a single perturbation: "KLF1", "dexamethasone@10"
// (the token of a drug@dose label, a design column of the linear baseline).
std::string componentKey(const PerturbationComponent& component);

// Default control labels (compared case-insensitively, whole label or token).
const std::vector<std::string>& defaultControlLabels();
bool isControlLabel(std::string_view token, const std::vector<std::string>& controlLabels);

// Shortest decimal form of a dose ("10", "0.5", "1e-05").
std::string formatDose(double dose);
// Factor converting a dose in `unit` to nM; nullopt when the unit is unknown.
std::optional<double> doseUnitToNanomolar(std::string_view unit);

struct ConditionParseOptions {
  std::vector<std::string> controlLabels = defaultControlLabels();
  std::string separators = "+";  // characters that join combination components
  PerturbationKind defaultKind = PerturbationKind::Gene;
  std::string doseUnit;  // unit of the dose column ("" = unknown)
};

// Parses a label from a file. `doseText` is the dose column's text for the row
// ("" = none): one number for all components or one per component joined by a
// separator ("10+100"). Throws InputError (where = `where`) when the dose text
// is not numeric or its count does not match the components.
Perturbation parseConditionLabel(std::string_view label, std::string_view doseText,
                                 const ConditionParseOptions& options, const std::string& where = "condition");

// Parses what a user typed (syntax above). Throws InputError naming the
// offending token and showing the syntax.
Perturbation parsePerturbationQuery(std::string_view text,
                                    const std::vector<std::string>& controlLabels = defaultControlLabels());

}  // namespace scdfm
