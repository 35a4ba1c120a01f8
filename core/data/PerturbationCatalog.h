#pragma once
// Every condition of a dataset: kind (gene/drug/control), components, doses,
// cell counts per cell type, single vs combination, observed or not. Answers
// the questions the CLI and the GUI's picker ask: "which cells are KLF1+ctrl
// in K562?", "what starts with KLF?", "is A+B predictable from what we saw?".
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/ColumnRoles.h"
#include "core/data/Perturbation.h"

namespace scdfm {

struct DataFrame;

struct CatalogEntry {
  std::string key;                      // Perturbation::key(), e.g. "KLF1+MAP2K6", "ctrl"
  Perturbation perturbation;
  std::vector<std::string> labels;      // labels as written in the file ("KLF1+MAP2K6", "MAP2K6+KLF1")
  std::int64_t nCells = 0;
  std::map<std::string, std::int64_t> cellsByCellType;  // "" when the dataset has no cell type column
  bool observed = true;                 // false: a combination of observed components, not in the data

  PerturbationKind kind() const { return perturbation.kind(); }
  bool isControl() const { return perturbation.isControl(); }
  bool isCombination() const { return perturbation.isCombination(); }
};

struct CatalogSummary {
  std::int64_t nConditions = 0;      // observed non-control conditions
  std::int64_t nSingles = 0, nCombinations = 0;
  std::int64_t nGeneConditions = 0, nDrugConditions = 0, nMixedConditions = 0;
  std::int64_t nDistinctGenes = 0, nDistinctDrugs = 0;  // distinct component names
  std::vector<double> doses;          // distinct doses, ascending
  std::string doseUnit;
  std::int64_t nControlCells = 0, nPerturbedCells = 0, nUnlabelledCells = 0;
  std::int64_t nCellTypes = 0;
};

class PerturbationCatalog {
 public:
  PerturbationCatalog() = default;
  // Builds the catalog from obs with the given roles. `file` names the source
  // in messages. Throws InputError when the condition column is missing or a
  // dose does not parse.
  static PerturbationCatalog build(const DataFrame& obs, const ColumnRoles& roles, const std::string& file = {});

  const std::vector<CatalogEntry>& entries() const { return entries_; }  // control first, then by key
  const CatalogEntry* find(const std::string& key) const;
  const CatalogEntry* control() const;  // nullptr when the data has no control cells
  std::vector<std::string> cellTypes() const { return cellTypes_; }  // sorted; empty without a cell type column
  // Distinct component names (genes and drugs), sorted.
  std::vector<std::string> componentNames(PerturbationKind kind) const;
  CatalogSummary summary() const;
  // Observed non-control entries by decreasing cell count (ties by key).
  std::vector<const CatalogEntry*> topConditions(std::size_t n) const;

  // Type-ahead: case-insensitive; exact key first, then key prefix, component
  // prefix, then substring; within a rank by decreasing cell count. Empty
  // text lists the largest conditions. Includes the control entry.
  std::vector<const CatalogEntry*> search(std::string_view text, std::size_t limit = 20) const;

  // Resolves a parsed query against the data: the observed entry with the
  // same key, else (when every component is known) an unobserved entry.
  // Component names match case-insensitively and take the data's spelling;
  // doses are converted to the data's unit when both units are known. An
  // unknown component throws InputError naming it with the closest names.
  CatalogEntry resolve(const Perturbation& query) const;
  // Parses (parsePerturbationQuery) and resolves.
  CatalogEntry resolve(std::string_view text) const;

  // Row indices (ascending) of the cells of an entry, optionally of one cell
  // type ("" = all). Unknown cell type -> InputError with closest matches.
  std::vector<std::int64_t> cellsOf(const std::string& key, const std::string& cellType = {}) const;
  std::vector<std::int64_t> controlCells(const std::string& cellType = {}) const;
  // Per cell: index into entries(), -1 for unlabelled cells.
  const std::vector<std::int32_t>& cellCondition() const { return cellCondition_; }
  // Per cell: cell type ("" without a cell type column).
  const std::string& cellTypeOf(std::int64_t row) const;

  const ColumnRoles& roles() const { return roles_; }

 private:
  void checkCellType(const std::string& cellType) const;

  std::string file_;
  ColumnRoles roles_;
  std::vector<CatalogEntry> entries_;
  std::map<std::string, std::size_t> byKey_;
  std::vector<std::int32_t> cellCondition_;
  std::vector<std::int32_t> cellTypeIndex_;  // into cellTypes_, -1 = none/missing
  std::vector<std::string> cellTypes_;
  std::vector<std::vector<std::int64_t>> rows_;  // per entry
  std::int64_t unlabelled_ = 0;
};

}  // namespace scdfm
