// scdfm info FILE.h5ad [--json] [--top N] [--condition-col C] [--control-label L]... [--cell-type-col C]
//                     [--dose-col C] [--perturbation-type-col C] [--gene-name-col C] [--condition KEY]
// Describes a dataset without loading its expression matrix: shape, X
// encoding, obs/var columns, the detected column roles (with how sure the
// detection is and why) and the perturbation catalog. --condition reads the
// expression of that condition's cells only (also in files larger than memory).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/Command.h"
#include "core/data/Dataset.h"
#include "core/data/GeneNames.h"
#include "core/io/H5adReader.h"
#include "core/util/Strings.h"

namespace scdfm::cli {
namespace {

struct InfoOptions {
  std::string file;
  bool json = false;
  std::size_t top = 10;
  std::string conditionCol, cellTypeCol, doseCol, geneNameCol, typeCol, condition;
  std::vector<std::string> controlLabels;
  CLI::Option *conditionOpt = nullptr, *cellTypeOpt = nullptr, *doseOpt = nullptr, *geneNameOpt = nullptr,
              *controlOpt = nullptr, *typeOpt = nullptr;
};

// "none" (or "") says "the data has no such column".
std::string columnChoice(const std::string& v) { return toLower(v) == "none" ? std::string() : v; }

std::string columnType(const Column& c) {
  std::string t = c.kindName();
  if (c.kind == Column::Kind::Categorical) t += " (" + std::to_string(c.categories.size()) + " categories)";
  return t;
}

nlohmann::json columnsJson(const DataFrame& df) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : df.columns) {
    nlohmann::json j{{"name", c.name}, {"type", c.kindName()}};
    if (c.kind == Column::Kind::Categorical) j["n_categories"] = c.categories.size();
    a.push_back(j);
  }
  return a;
}

std::string percent(double f) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(f < 0.01 ? 3 : 1) << 100.0 * f << "%";
  return s.str();
}

// Each drug with the doses it was given at (alone or in combinations), ascending.
std::map<std::string, std::set<double>> drugDoses(const PerturbationCatalog& cat) {
  std::map<std::string, std::set<double>> out;
  for (const auto& e : cat.entries())
    for (const auto& c : e.perturbation.components)
      if (c.kind == PerturbationKind::Drug) {
        auto& d = out[c.name];
        if (c.dose) d.insert(*c.dose);
      }
  return out;
}

nlohmann::json infoJson(const Dataset& ds, std::size_t top) {
  const H5adSummary& s = ds.summary();
  const RoleDetection& det = ds.roles();
  const ColumnRoles& r = det.roles;
  const PerturbationCatalog& cat = ds.catalog();
  const CatalogSummary cs = cat.summary();
  nlohmann::json j;
  j["file"] = ds.path();
  j["n_obs"] = s.nObs;
  j["n_vars"] = s.nVars;
  j["anndata_generation"] = s.anndataGeneration;
  nlohmann::json x{{"present", s.hasX}};
  if (s.hasX) {
    x["encoding"] = toString(s.xEncoding);
    x["dtype"] = s.xDtype;
    if (s.xNnz >= 0) {
      x["nnz"] = s.xNnz;
      const double cells = static_cast<double>(s.nObs) * static_cast<double>(s.nVars);
      x["density"] = cells > 0 ? static_cast<double>(s.xNnz) / cells : 0.0;
    }
  }
  j["X"] = x;
  j["layers"] = s.layers;
  j["obsm"] = s.obsm;
  j["varm"] = s.varm;
  j["embeddings"] = ds.embeddingKeys();
  j["obs_columns"] = columnsJson(ds.obs());
  j["var_columns"] = columnsJson(ds.var());
  j["gene_names"] = {{"source", ds.geneNameSource()},
                     {"duplicates", duplicateGeneNames(ds.var(), ds.roles().roles.geneNameColumn)},
                     {"ensembl_index", looksLikeEnsemblIds(ds.geneIds())},
                     {"first", std::vector<std::string>(ds.geneNames().begin(),
                                                        ds.geneNames().begin() +
                                                            static_cast<std::ptrdiff_t>(std::min<std::size_t>(5, ds.geneNames().size())))}};
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : det.findings)
    findings.push_back({{"role", f.role},
                        {"column", f.column},
                        {"confidence", f.confidence},
                        {"overridden", f.overridden},
                        {"why", f.why}});
  j["roles"] = {{"condition", r.condition},
                {"second_condition", r.secondCondition},
                {"cell_type", r.cellType},
                {"dose", r.dose},
                {"dose_unit", r.doseUnit},
                {"perturbation_type", r.perturbationType},
                {"gene_name_column", r.geneNameColumn},
                {"format", toString(r.format)},
                {"kinds_per_row", r.kindsPerRow},
                {"control_labels", r.controlLabels},
                {"confidence", det.confidence},
                {"unsure", det.unsure()},
                {"findings", findings}};
  nlohmann::json drugsJ = nlohmann::json::array();
  for (const auto& [name, doses] : drugDoses(cat))
    drugsJ.push_back({{"name", name}, {"doses", std::vector<double>(doses.begin(), doses.end())}});
  nlohmann::json topJ = nlohmann::json::array();
  for (const CatalogEntry* e : cat.topConditions(top))
    topJ.push_back({{"key", e->key},
                    {"labels", e->labels},
                    {"kind", toString(e->kind())},
                    {"combination", e->isCombination()},
                    {"n_cells", e->nCells},
                    // Without a cell type column every cell is in the one context "".
                    {"cells_by_cell_type", cat.cellTypes().empty() ? nlohmann::json::object()
                                                                   : nlohmann::json(e->cellsByCellType)}});
  j["perturbations"] = {{"n_conditions", cs.nConditions},
                        {"n_singles", cs.nSingles},
                        {"n_combinations", cs.nCombinations},
                        {"n_gene_conditions", cs.nGeneConditions},
                        {"n_drug_conditions", cs.nDrugConditions},
                        {"n_mixed_conditions", cs.nMixedConditions},
                        {"n_distinct_genes", cs.nDistinctGenes},
                        {"n_distinct_drugs", cs.nDistinctDrugs},
                        {"doses", cs.doses},
                        {"dose_unit", cs.doseUnit},
                        {"drugs", drugsJ},
                        {"n_control_cells", cs.nControlCells},
                        {"n_perturbed_cells", cs.nPerturbedCells},
                        {"n_unlabelled_cells", cs.nUnlabelledCells},
                        {"n_cell_types", cs.nCellTypes},
                        {"cell_types", cat.cellTypes()},
                        {"top_conditions", topJ}};
  return j;
}

void printText(const Dataset& ds, std::size_t top, std::ostream& out) {
  const H5adSummary& s = ds.summary();
  const RoleDetection& det = ds.roles();
  const ColumnRoles& r = det.roles;
  const PerturbationCatalog& cat = ds.catalog();
  const CatalogSummary cs = cat.summary();
  out << "file: " << ds.path() << "\n";
  out << "shape: " << s.nObs << " cells x " << s.nVars << " genes (anndata " << s.anndataGeneration << " layout)\n";
  if (!s.hasX) {
    out << "X: absent\n";
  } else {
    out << "X: " << toString(s.xEncoding) << " " << s.xDtype;
    if (s.xNnz >= 0) {
      const double cells = static_cast<double>(s.nObs) * static_cast<double>(s.nVars);
      out << ", nnz " << s.xNnz << " (density " << percent(cells > 0 ? static_cast<double>(s.xNnz) / cells : 0) << ")";
    }
    out << "\n";
  }
  out << "layers: " << (s.layers.empty() ? "none" : join(s.layers, ", ")) << "\n";
  const auto emb = ds.embeddingKeys();
  out << "embeddings (obsm): " << (emb.empty() ? "none" : join(emb, ", ")) << "\n";
  auto columns = [&](const char* what, const DataFrame& df) {
    out << what << " columns (" << df.columns.size() << "):\n";
    std::size_t w = 0;
    for (const auto& c : df.columns) w = std::max(w, c.name.size());
    for (const auto& c : df.columns) out << "  " << std::left << std::setw(static_cast<int>(w)) << c.name << "  " << columnType(c) << "\n";
  };
  columns("obs", ds.obs());
  columns("var", ds.var());
  out << "gene names: " << ds.geneNameSource()
      << (looksLikeEnsemblIds(ds.geneIds()) ? " (the var index holds Ensembl ids)" : "") << "\n";
  if (const auto dup = duplicateGeneNames(ds.var(), ds.roles().roles.geneNameColumn); !dup.empty())
    out << "note: " << dup.size() << " gene name" << (dup.size() == 1 ? " appears" : "s appear")
        << " more than once in the " << ds.geneNameSource() << " (" << listForMessage(dup, 5)
        << "); the later copies are called " << dup.front() << "-1, ... as anndata's var_names_make_unique names "
        << "them; use those names to pick one\n";

  out << "roles (format " << toString(r.format) << (r.kindsPerRow ? ", gene or drug per cell" : "")
      << ", control labels " << listForMessage(r.controlLabels, 10) << "):\n";
  for (const auto& f : det.findings) {
    out << "  " << std::left << std::setw(18) << f.role << " " << std::setw(16)
        << (f.column.empty() ? "-" : f.column);
    if (f.overridden)
      out << " (your choice)";
    else
      out << " (confidence " << std::fixed << std::setprecision(2) << f.confidence << std::defaultfloat << ")";
    out << "  " << f.why << "\n";
  }
  if (!r.secondCondition.empty()) out << "  second drug column: " << r.secondCondition << "\n";
  if (!r.dose.empty()) out << "  dose unit: " << (r.doseUnit.empty() ? "unknown" : r.doseUnit) << "\n";
  if (det.unsure())
    out << "note: the condition column is uncertain; choose it with --condition-col (and --control-label)\n";

  out << "perturbations:\n";
  out << "  conditions: " << cs.nConditions << " (" << cs.nSingles << " single, " << cs.nCombinations
      << (cs.nCombinations == 1 ? " combination; " : " combinations; ") << cs.nGeneConditions << " gene, " << cs.nDrugConditions << " drug";
  if (cs.nMixedConditions) out << ", " << cs.nMixedConditions << " mixed";
  out << ")\n";
  out << "  targets: " << cs.nDistinctGenes << " genes, " << cs.nDistinctDrugs << " drugs\n";
  std::vector<std::string> doses;
  for (double d : cs.doses) doses.push_back(formatDose(d));
  out << "  doses: " << (doses.empty() ? "none" : listForMessage(doses, 12) + (cs.doseUnit.empty() ? "" : " " + cs.doseUnit))
      << "\n";
  const auto drugs = drugDoses(cat);
  if (!drugs.empty()) {
    std::vector<std::string> parts;
    for (const auto& [name, ds] : drugs) {
      std::vector<std::string> d;
      for (double v : ds) d.push_back(formatDose(v));
      parts.push_back(d.empty() ? name : name + " @ " + join(d, "/"));
    }
    out << "  drugs" << (cs.doseUnit.empty() ? "" : " (doses in " + cs.doseUnit + ")") << ": "
        << listForMessage(parts, 12) << "\n";
  }
  out << "  control cells: " << cs.nControlCells << "\n";
  out << "  perturbed cells: " << cs.nPerturbedCells << "\n";
  if (cs.nUnlabelledCells) out << "  unlabelled cells: " << cs.nUnlabelledCells << "\n";
  out << "  cell types: " << cs.nCellTypes;
  if (cs.nCellTypes) out << " (" << listForMessage(cat.cellTypes(), 8) << ")";
  out << "\n";
  const auto topEntries = cat.topConditions(top);
  if (!topEntries.empty()) {
    out << "  top conditions by cells:\n";
    std::size_t w = 0;
    for (const auto* e : topEntries) w = std::max(w, e->key.size());
    for (const auto* e : topEntries) {
      out << "    " << std::left << std::setw(static_cast<int>(w)) << e->key << "  " << std::right << std::setw(7)
          << e->nCells << " cells  " << toString(e->kind()) << (e->isCombination() ? " combination" : "");
      if (e->cellsByCellType.size() > 1) {
        std::vector<std::string> parts;
        for (const auto& [ct, n] : e->cellsByCellType) parts.push_back(ct + " " + std::to_string(n));
        out << "  (" << listForMessage(parts, 6) << ")";
      }
      out << "\n";
    }
  }
}

// One condition's cells, read alone: counts, stored values and the most expressed genes.
nlohmann::json conditionJson(const Dataset& ds, const std::string& query) {
  const CatalogEntry e = ds.catalog().resolve(query);
  const auto rows = ds.catalog().cellsOf(e.key);
  nlohmann::json j{{"key", e.key}, {"n_cells", rows.size()}, {"cells_by_cell_type", e.cellsByCellType}};
  if (rows.empty() || !ds.summary().hasX) return j;
  const ExpressionMatrix x = ds.expression(rows);
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(x.cols());
  std::int64_t stored = 0;
  if (x.sparse) {
    stored = x.csr.nonZeros();
    for (std::int64_t r = 0; r < x.csr.outerSize(); ++r)
      for (SparseRowMatrixF::InnerIterator it(x.csr, r); it; ++it) sums[it.col()] += it.value();
  } else {
    stored = (x.dense.array() != 0).count();
    sums = x.dense.cast<double>().colwise().sum().transpose();
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(x.cols()));
  for (std::size_t g = 0; g < order.size(); ++g) order[g] = static_cast<std::int64_t>(g);
  const auto top = std::min<std::size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                    [&](std::int64_t a, std::int64_t b) { return sums[a] > sums[b]; });
  nlohmann::json genes = nlohmann::json::array();
  for (std::size_t k = 0; k < top; ++k)
    genes.push_back({{"gene", ds.geneNames()[static_cast<std::size_t>(order[k])]},
                     {"mean", sums[order[k]] / static_cast<double>(rows.size())}});
  j["stored_values"] = stored;
  j["mean_total_per_cell"] = sums.sum() / static_cast<double>(rows.size());
  j["top_genes"] = genes;
  return j;
}

void printCondition(const nlohmann::json& c, std::ostream& out) {
  out << "condition " << c["key"].get<std::string>() << ": " << c["n_cells"] << " cells";
  if (c.contains("stored_values"))
    out << ", " << c["stored_values"] << " stored values, mean total per cell " << c["mean_total_per_cell"];
  out << "\n";
  if (c.contains("top_genes")) {
    std::vector<std::string> parts;
    for (const auto& g : c["top_genes"]) {
      std::ostringstream s;
      s << g["gene"].get<std::string>() << " " << std::setprecision(3) << g["mean"].get<double>();
      parts.push_back(s.str());
    }
    out << "  highest mean expression: " << join(parts, ", ") << "\n";
  }
}

int runInfo(const InfoOptions& o) {
  DatasetOptions opt;
  if (o.conditionOpt->count()) opt.roles.condition = columnChoice(o.conditionCol);
  if (o.cellTypeOpt->count()) opt.roles.cellType = columnChoice(o.cellTypeCol);
  if (o.doseOpt->count()) opt.roles.dose = columnChoice(o.doseCol);
  if (o.geneNameOpt->count()) opt.roles.geneNameColumn = columnChoice(o.geneNameCol);
  if (o.typeOpt->count()) opt.roles.perturbationType = columnChoice(o.typeCol);
  if (o.controlOpt->count()) opt.roles.controlLabels = o.controlLabels;
  Dataset ds(o.file, opt);
  const nlohmann::json condition = o.condition.empty() ? nlohmann::json() : conditionJson(ds, o.condition);
  if (o.json) {
    nlohmann::json j = infoJson(ds, o.top);
    if (!condition.is_null()) j["condition"] = condition;
    std::cout << j.dump(2) << "\n";
  } else {
    printText(ds, o.top, std::cout);
    if (!condition.is_null()) printCondition(condition, std::cout);
  }
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "info",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<InfoOptions>();
      sub.add_option("file", o->file, "An AnnData .h5ad file")->required();
      sub.add_flag("--json", o->json, "Print the same information as JSON");
      sub.add_option("--top", o->top, "How many of the largest conditions to list (default 10)");
      sub.add_option("--condition", o->condition,
                     "Also read one condition's cells (e.g. KLF1+ctrl): cells, stored values, top genes");
      o->conditionOpt = sub.add_option("--condition-col", o->conditionCol,
                                       "obs column with the condition labels (default: detected, e.g. condition, "
                                       "perturbation, product_name)");
      o->controlOpt = sub.add_option("--control-label", o->controlLabels,
                                     "Label(s) of control cells, case-insensitive; repeat or separate with commas "
                                     "(default: ctrl, control, non-targeting, DMSO, vehicle)")
                          ->delimiter(',');
      o->cellTypeOpt = sub.add_option("--cell-type-col", o->cellTypeCol,
                                      "obs column with cell types / lines ('none' for no such column)");
      o->doseOpt = sub.add_option("--dose-col", o->doseCol, "obs column with drug doses ('none' for no such column)");
      o->geneNameOpt = sub.add_option("--gene-name-col", o->geneNameCol,
                                      "var column with gene symbols ('none' = the var index)");
      o->typeOpt = sub.add_option("--perturbation-type-col", o->typeCol,
                                  "obs column saying gene (CRISPR) or drug per cell ('none' for no such column)");
      return [o] { return runInfo(*o); };
    },
    "Describe a dataset: shape, X encoding, columns, detected roles and the perturbation catalog"}};

}  // namespace
}  // namespace scdfm::cli
