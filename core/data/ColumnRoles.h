#pragma once
// Which obs/var columns play which role (condition label, cell type, dose,
// perturbation type, gene symbols), found by auto-detection that reports how
// sure it is and why, and that the user can override role by role.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/Perturbation.h"

namespace scdfm {

struct DataFrame;

// How condition labels are written.
enum class ConditionFormat {
  Gears,      // `condition`: ctrl, A+ctrl, ctrl+A, A+B
  ScPerturb,  // `perturbation`: control, A, A_B or A+B
  Drug,       // sci-Plex / combosciplex: drug name(s) (+ or _ for combos) and a dose column
};
const char* toString(ConditionFormat f);

struct ColumnRoles {
  std::string condition;         // obs column holding the condition label ("" = none)
  std::string secondCondition;   // optional second drug column (Drug2), joined to the first with '+'
  std::string cellType;          // obs column with cell type / line / context ("" = none)
  std::string dose;              // obs column with doses ("" = none)
  std::string doseUnit;          // unit of the doses ("" = unknown)
  std::string perturbationType;  // obs column saying gene/CRISPR vs drug ("" = none)
  std::string geneNameColumn;    // var column with gene symbols ("" = the var index)
  std::vector<std::string> controlLabels = defaultControlLabels();
  ConditionFormat format = ConditionFormat::Gears;
  // One condition column mixes gene and drug labels (e.g. the simulator's
  // `condition` with `ctrl`, `A+ctrl`, `Simuparib`): each row's kind comes from
  // the perturbation type column, or, without one, from the dose (non-zero =
  // drug, zero/missing = gene). Gene rows' doses are ignored.
  bool kindsPerRow = false;

  // Parse options for labels in this layout (separators, default kind, unit).
  ConditionParseOptions parseOptions() const;
};

// A user's explicit choices; unset = auto-detect, "" = no such column.
struct ColumnRoleOverrides {
  std::optional<std::string> condition, secondCondition, cellType, dose, doseUnit, perturbationType, geneNameColumn;
  std::optional<std::vector<std::string>> controlLabels;
  std::optional<ConditionFormat> format;
};

struct RoleFinding {
  std::string role;     // "condition", "cell type", ...
  std::string column;   // "" = none found
  double confidence = 0;  // 0..1; 1 for user choices
  bool overridden = false;
  std::string why;      // one sentence a user can read
};

struct RoleDetection {
  ColumnRoles roles;
  std::vector<RoleFinding> findings;
  // Confidence of the condition role, which everything else hangs on.
  double confidence = 0;
  bool unsure() const { return confidence < 0.6; }
};

// Detects the roles from column names, kinds and values. Overrides win; an
// override naming a column that does not exist throws InputError (file,
// "obs"/"var", closest column names).
RoleDetection detectColumnRoles(const DataFrame& obs, const DataFrame& var, const ColumnRoleOverrides& overrides = {},
                                const std::string& file = {});

// Kind named by a perturbation-type value: drug/compound/chemical/small
// molecule -> Drug, gene/CRISPR/genetic/knockdown -> Gene, control/ctrl/
// vehicle/non-targeting -> Control; nullopt when unrecognised.
std::optional<PerturbationKind> perturbationKindFromType(std::string_view typeText);

// True when a dose text holds a non-zero number ("10", "0+50"); false for
// "", "0", "0+0", "nan" or text that is not numeric.
bool doseTextIsNonZero(std::string_view doseText);

// True when most names look like Ensembl ids (ENSG00000141510, ENSMUSG...).
bool looksLikeEnsemblIds(const std::vector<std::string>& names);

// The text of a cell's condition (first column, '+' second column when set).
std::string conditionLabelOf(const DataFrame& obs, const ColumnRoles& roles, std::size_t row);

}  // namespace scdfm
