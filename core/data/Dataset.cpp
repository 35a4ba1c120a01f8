#include "core/data/Dataset.h"

#include <algorithm>
#include <map>

#include "core/data/GeneNames.h"
#include "core/io/H5adReader.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

namespace {
std::vector<std::string> uniqueGeneNames(const DataFrame& var, const std::string& column,
                                         std::vector<std::string>* duplicates) {
  std::vector<std::string> names = var.index;
  if (!column.empty()) {
    const Column& c = var.at(column, "var");
    for (std::size_t i = 0; i < names.size() && i < c.size(); ++i) {
      std::string t = trim(c.text(i));
      if (!t.empty() && toLower(t) != "nan") names[i] = t;  // keep the id where the symbol is missing
    }
  }
  // anndata's var_names_make_unique: the 2nd, 3rd... occurrence get "-1", "-2".
  std::map<std::string, int> seen;
  for (const auto& n : names) seen.emplace(n, 0);
  std::map<std::string, int> count;
  for (auto& n : names) {
    int k = count[n]++;
    if (k == 0) continue;
    if (duplicates && k == 1) duplicates->push_back(n);
    std::string candidate;
    do candidate = n + "-" + std::to_string(k++);
    while (seen.count(candidate));
    count[n] = k;
    seen.emplace(candidate, 0);
    n = candidate;
  }
  if (duplicates) std::sort(duplicates->begin(), duplicates->end());
  return names;
}
}  // namespace

std::vector<std::string> geneNamesFromVar(const DataFrame& var, const std::string& column) {
  return uniqueGeneNames(var, column, nullptr);
}

std::vector<std::string> duplicateGeneNames(const DataFrame& var, const std::string& column) {
  std::vector<std::string> duplicates;
  uniqueGeneNames(var, column, &duplicates);
  return duplicates;
}

Dataset::Dataset(const std::string& path, const DatasetOptions& options)
    : reader_(std::make_unique<H5adReader>(path)) {
  roles_ = detectColumnRoles(reader_->obs(), reader_->var(), options.roles, path);
  // Files often declare the dose unit once, in uns (the simulator's uns["dose_unit"] = "nM").
  ColumnRoles& r = roles_.roles;
  if (!r.dose.empty() && r.doseUnit.empty() && !options.roles.doseUnit) {
    try {
      const nlohmann::json uns = reader_->readUns();
      if (auto it = uns.find("dose_unit"); it != uns.end() && it->is_string() && !it->get<std::string>().empty()) {
        r.doseUnit = trim(it->get<std::string>());
        for (auto& f : roles_.findings)
          if (f.role == "dose") f.why += "; unit '" + r.doseUnit + "' from uns['dose_unit']";
      }
    } catch (const InputError&) {
      // An unreadable uns only costs the unit; the doses stay usable.
    }
  }
  geneNames_ = geneNamesFromVar(reader_->var(), roles_.roles.geneNameColumn);
  catalog_ = PerturbationCatalog::build(reader_->obs(), roles_.roles, path);
}

Dataset::~Dataset() = default;
Dataset::Dataset(Dataset&&) noexcept = default;
Dataset& Dataset::operator=(Dataset&&) noexcept = default;

const std::string& Dataset::path() const { return reader_->path(); }
const H5adSummary& Dataset::summary() const { return reader_->summary(); }
std::int64_t Dataset::nCells() const { return reader_->summary().nObs; }
std::int64_t Dataset::nGenes() const { return reader_->summary().nVars; }
const DataFrame& Dataset::obs() const { return reader_->obs(); }
const DataFrame& Dataset::var() const { return reader_->var(); }
const std::vector<std::string>& Dataset::geneIds() const { return reader_->var().index; }

std::string Dataset::geneNameSource() const {
  const auto& c = roles_.roles.geneNameColumn;
  return c.empty() ? std::string("var index") : "var['" + c + "']";
}

std::optional<std::int64_t> Dataset::findGene(const std::string& name) const {
  for (std::size_t i = 0; i < geneNames_.size(); ++i)
    if (geneNames_[i] == name) return static_cast<std::int64_t>(i);
  // An Ensembl id also finds its gene.
  const auto& ids = geneIds();
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == name) return static_cast<std::int64_t>(i);
  const std::string l = toLower(name);
  for (std::size_t i = 0; i < geneNames_.size(); ++i)
    if (toLower(geneNames_[i]) == l) return static_cast<std::int64_t>(i);
  return std::nullopt;
}

std::int64_t Dataset::geneIndex(const std::string& name) const {
  if (auto i = findGene(name)) return *i;
  throw InputError(path(), geneNameSource(), "no gene '" + name + "'",
                   "Closest: " + listForMessage(closestMatches(name, geneNames_, 5)));
}

ExpressionMatrix Dataset::expression(const std::vector<std::int64_t>& rows, const std::string& layer) const {
  const auto& s = summary();
  for (auto r : rows)
    if (r < 0 || r >= s.nObs)
      throw InputError(path(), "obs", "cell row " + std::to_string(r) + " is out of range (the file has " +
                                          std::to_string(s.nObs) + " cells)");
  if (layer.empty()) {
    if (!s.hasX)
      throw InputError(path(), "/X", "the file has no expression matrix X",
                       s.layers.empty() ? std::string("Write X into the file (adata.X = ...)")
                                        : "Choose a layer: " + listForMessage(s.layers));
    return reader_->readXRows(rows);
  }
  if (std::find(s.layers.begin(), s.layers.end(), layer) == s.layers.end())
    throw InputError(path(), "/layers/" + layer, "no such layer",
                     s.layers.empty() ? std::string("The file has no layers; use X")
                                      : "Layers: " + listForMessage(s.layers));
  return reader_->readLayerRows(layer, rows);
}

std::vector<std::string> Dataset::embeddingKeys() const {
  std::vector<std::string> keys = summary().obsm;
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::optional<RowMatrixF> Dataset::embedding(const std::string& key) const {
  const auto keys = embeddingKeys();
  auto has = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  if (!key.empty()) {
    if (!has(key))
      throw InputError(path(), "/obsm/" + key, "no such embedding",
                       keys.empty() ? std::string("The file has no embeddings; compute one (UMAP) first")
                                    : "Embeddings: " + listForMessage(keys));
    return reader_->readObsm(key);
  }
  for (const char* k : {"X_umap", "X_pca"})
    if (has(k)) return reader_->readObsm(k);
  return std::nullopt;
}

}  // namespace scdfm
