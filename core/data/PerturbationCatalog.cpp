#include "core/data/PerturbationCatalog.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <set>

#include "core/io/AnnData.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

namespace {

const std::string kEmpty;

// Empty, "nan", or numbers joined by separators ("10", "10+100").
bool doseTextIsNumeric(const std::string& dose, const std::string& separators) {
  std::string part;
  auto numeric = [&] {
    const std::string t = toLower(trim(part));
    part.clear();
    if (t.empty() || t == "nan") return true;
    char* end = nullptr;
    std::strtod(t.c_str(), &end);
    return end == t.c_str() + t.size();
  };
  for (char ch : dose) {
    if (separators.find(ch) == std::string::npos) {
      part += ch;
    } else if (!numeric()) {
      return false;
    }
  }
  return numeric();
}
}  // namespace

PerturbationCatalog PerturbationCatalog::build(const DataFrame& obs, const ColumnRoles& roles, const std::string& file) {
  PerturbationCatalog cat;
  cat.file_ = file;
  cat.roles_ = roles;
  const std::size_t n = obs.rows();
  cat.cellCondition_.assign(n, -1);
  cat.cellTypeIndex_.assign(n, -1);

  auto need = [&](const std::string& name, const char* option) -> const Column* {
    if (name.empty()) return nullptr;
    const Column* c = obs.find(name);
    if (!c) {
      std::vector<std::string> names;
      for (const auto& col : obs.columns) names.push_back(col.name);
      throw InputError(file, "obs", "no column '" + name + "'",
                       "Closest columns: " + listForMessage(closestMatches(name, names, 5)) + " (set " + option + ")");
    }
    return c;
  };
  const Column* condCol = need(roles.condition, "--condition-col");
  need(roles.secondCondition, "the second drug column");
  const Column* doseCol = need(roles.dose, "--dose-col");
  const Column* typeCol = need(roles.perturbationType, "the perturbation type column");
  const Column* ctCol = need(roles.cellType, "--cell-type-col");

  // Cell types: sorted distinct labels.
  if (ctCol) {
    std::map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < n; ++i)
      if (!ctCol->isMissing(i)) index.emplace(ctCol->text(i), 0);
    std::int32_t k = 0;
    for (auto& [name, idx] : index) {
      idx = k++;
      cat.cellTypes_.push_back(name);
    }
    for (std::size_t i = 0; i < n; ++i)
      if (!ctCol->isMissing(i)) cat.cellTypeIndex_[i] = index.at(ctCol->text(i));
  }

  if (condCol) {
    const ConditionParseOptions opts = roles.parseOptions();
    // Parse each distinct (label, dose, type) once; many cells share one.
    std::map<std::string, std::int32_t> groupToEntry;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string label = conditionLabelOf(obs, roles, i);
      if (trim(label).empty()) {
        ++cat.unlabelled_;
        continue;
      }
      const std::string dose = doseCol && !doseCol->isMissing(i) ? doseCol->text(i) : std::string();
      const std::string type = typeCol && !typeCol->isMissing(i) ? typeCol->text(i) : std::string();
      const std::string group = label + '\x1f' + dose + '\x1f' + type;
      auto it = groupToEntry.find(group);
      if (it == groupToEntry.end()) {
        ConditionParseOptions o = opts;
        // The row's own kind: its perturbation type, else (mixed layouts) its dose.
        std::optional<PerturbationKind> rowKind;
        if (typeCol) rowKind = perturbationKindFromType(type);
        if (!rowKind && roles.kindsPerRow && doseCol) {
          // Here a row without a dose is a gene: a dose that is not a number must not make a drug one silently.
          if (!doseTextIsNumeric(dose, opts.separators))
            throw InputError(file, "obs/" + roles.dose + " row " + std::to_string(i),
                             "dose '" + dose + "' of condition '" + label + "' is not a number",
                             "Fix the value, or choose a column with numeric doses (--dose-col)");
          rowKind = doseTextIsNonZero(dose) ? PerturbationKind::Drug : PerturbationKind::Gene;
        }
        std::string rowDose = dose;
        if (rowKind == PerturbationKind::Drug) {
          o.defaultKind = PerturbationKind::Drug;
        } else if (rowKind) {
          // Genes and controls take no dose (the simulator writes 0 for them).
          if (*rowKind == PerturbationKind::Gene) o.defaultKind = PerturbationKind::Gene;
          rowDose.clear();
        }
        Perturbation p;
        try {
          p = parseConditionLabel(label, rowDose, o, "obs/" + roles.condition + " row " + std::to_string(i));
        } catch (const InputError& e) {  // the parser knows the row, not the file
          throw InputError(file, e.where(), e.problem(), e.hint());
        }
        // A dose makes a component a drug even in a layout that did not say so.
        for (auto& c : p.components)
          if (c.dose) c.kind = PerturbationKind::Drug;
        const std::string key = p.key();
        auto e = cat.byKey_.find(key);
        std::size_t idx;
        if (e == cat.byKey_.end()) {
          idx = cat.entries_.size();
          CatalogEntry entry;
          entry.key = key;
          entry.perturbation = std::move(p);
          cat.entries_.push_back(std::move(entry));
          cat.byKey_.emplace(key, idx);
        } else {
          idx = e->second;
        }
        auto& labels = cat.entries_[idx].labels;
        if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
        it = groupToEntry.emplace(group, static_cast<std::int32_t>(idx)).first;
      }
      cat.cellCondition_[i] = it->second;
    }
    // Order: control first, then by key; remap the per-cell indices.
    std::vector<std::size_t> order(cat.entries_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto& x = cat.entries_[a];
      const auto& y = cat.entries_[b];
      if (x.isControl() != y.isControl()) return x.isControl();
      return x.key < y.key;
    });
    std::vector<std::int32_t> newIndex(order.size());
    std::vector<CatalogEntry> sorted;
    for (std::size_t k = 0; k < order.size(); ++k) {
      newIndex[order[k]] = static_cast<std::int32_t>(k);
      sorted.push_back(std::move(cat.entries_[order[k]]));
    }
    cat.entries_ = std::move(sorted);
    cat.byKey_.clear();
    for (std::size_t k = 0; k < cat.entries_.size(); ++k) cat.byKey_.emplace(cat.entries_[k].key, k);
    cat.rows_.assign(cat.entries_.size(), {});
    for (std::size_t i = 0; i < n; ++i) {
      auto& ci = cat.cellCondition_[i];
      if (ci < 0) continue;
      ci = newIndex[ci];
      auto& e = cat.entries_[ci];
      ++e.nCells;
      ++e.cellsByCellType[cat.cellTypeOf(static_cast<std::int64_t>(i))];
      cat.rows_[ci].push_back(static_cast<std::int64_t>(i));
    }
  } else {
    cat.unlabelled_ = static_cast<std::int64_t>(n);
  }
  return cat;
}

const CatalogEntry* PerturbationCatalog::find(const std::string& key) const {
  auto it = byKey_.find(key);
  return it == byKey_.end() ? nullptr : &entries_[it->second];
}

const CatalogEntry* PerturbationCatalog::control() const { return find("ctrl"); }

const std::string& PerturbationCatalog::cellTypeOf(std::int64_t row) const {
  if (row < 0 || static_cast<std::size_t>(row) >= cellTypeIndex_.size()) return kEmpty;
  const auto k = cellTypeIndex_[static_cast<std::size_t>(row)];
  return k < 0 ? kEmpty : cellTypes_[static_cast<std::size_t>(k)];
}

std::vector<std::string> PerturbationCatalog::componentNames(PerturbationKind kind) const {
  std::set<std::string> names;
  for (const auto& e : entries_)
    for (const auto& c : e.perturbation.components)
      if (c.kind == kind) names.insert(c.name);
  return {names.begin(), names.end()};
}

CatalogSummary PerturbationCatalog::summary() const {
  CatalogSummary s;
  std::set<double> doses;
  for (const auto& e : entries_) {
    if (!e.observed) continue;
    if (e.isControl()) {
      s.nControlCells += e.nCells;
      continue;
    }
    ++s.nConditions;
    s.nPerturbedCells += e.nCells;
    (e.isCombination() ? s.nCombinations : s.nSingles) += 1;
    switch (e.kind()) {
      case PerturbationKind::Gene: ++s.nGeneConditions; break;
      case PerturbationKind::Drug: ++s.nDrugConditions; break;
      default: ++s.nMixedConditions; break;
    }
    for (const auto& c : e.perturbation.components)
      if (c.dose) doses.insert(*c.dose);
  }
  s.doses.assign(doses.begin(), doses.end());
  s.doseUnit = roles_.doseUnit;
  s.nDistinctGenes = static_cast<std::int64_t>(componentNames(PerturbationKind::Gene).size());
  s.nDistinctDrugs = static_cast<std::int64_t>(componentNames(PerturbationKind::Drug).size());
  s.nUnlabelledCells = unlabelled_;
  s.nCellTypes = static_cast<std::int64_t>(cellTypes_.size());
  return s;
}

std::vector<const CatalogEntry*> PerturbationCatalog::topConditions(std::size_t n) const {
  std::vector<const CatalogEntry*> out;
  for (const auto& e : entries_)
    if (!e.isControl() && e.observed) out.push_back(&e);
  std::sort(out.begin(), out.end(), [](const CatalogEntry* a, const CatalogEntry* b) {
    return a->nCells != b->nCells ? a->nCells > b->nCells : a->key < b->key;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

std::vector<const CatalogEntry*> PerturbationCatalog::search(std::string_view text, std::size_t limit) const {
  const std::string q = toLower(trim(text));
  std::vector<std::pair<int, const CatalogEntry*>> hits;
  for (const auto& e : entries_) {
    int rank = -1;
    if (q.empty()) {
      rank = 0;
    } else {
      const std::string key = toLower(e.key);
      std::vector<std::string> labels;
      for (const auto& l : e.labels) labels.push_back(toLower(l));
      auto anyEq = [&](const std::string& s) { return s == q; };
      if (anyEq(key) || std::any_of(labels.begin(), labels.end(), anyEq)) {
        rank = 0;
      } else if (key.rfind(q, 0) == 0) {
        rank = 1;
      } else if (std::any_of(e.perturbation.components.begin(), e.perturbation.components.end(),
                             [&](const auto& c) { return toLower(c.name).rfind(q, 0) == 0; })) {
        rank = 2;
      } else if (key.find(q) != std::string::npos ||
                 std::any_of(labels.begin(), labels.end(), [&](const auto& l) { return l.find(q) != std::string::npos; })) {
        rank = 3;
      }
    }
    if (rank >= 0) hits.emplace_back(rank, &e);
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second->nCells != b.second->nCells) return a.second->nCells > b.second->nCells;
    return a.second->key < b.second->key;
  });
  std::vector<const CatalogEntry*> out;
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) out.push_back(hits[i].second);
  return out;
}

CatalogEntry PerturbationCatalog::resolve(const Perturbation& query) const {
  const std::string where = "perturbation '" + query.display() + "'";
  if (query.isControl()) {
    if (const CatalogEntry* c = control()) return *c;
    throw InputError(file_, where, "the dataset has no control cells (labels " +
                                       listForMessage(roles_.controlLabels, 10) + ")",
                     "Set the control label (--control-label) or the condition column (--condition-col)");
  }
  // Known components: name -> (kind, doses seen).
  struct Known {
    PerturbationKind kind;
    std::set<double> doses;
  };
  std::map<std::string, Known> known;
  for (const auto& e : entries_)
    for (const auto& c : e.perturbation.components) {
      auto& k = known.emplace(c.name, Known{c.kind, {}}).first->second;
      if (c.dose) k.doses.insert(*c.dose);
    }
  std::vector<std::string> names;
  for (const auto& [name, k] : known) names.push_back(name);

  Perturbation p;
  for (const auto& qc : query.components) {
    auto it = known.find(qc.name);
    if (it == known.end())
      for (auto k = known.begin(); k != known.end(); ++k)
        if (toLower(k->first) == toLower(qc.name)) {
          it = k;
          break;
        }
    if (it == known.end()) {
      auto close = closestMatches(qc.name, names, 5);
      throw InputError(file_, where, "'" + qc.name + "' is not a perturbation in this dataset",
                       close.empty() ? std::string("The dataset has no perturbed cells")
                                     : "Closest names: " + listForMessage(close));
    }
    const Known& k = it->second;
    if (qc.kindGiven && qc.kind != k.kind)
      throw InputError(file_, where,
                       "'" + qc.name + "' was given as a " + toString(qc.kind) + " but is a " + toString(k.kind) +
                           " in this dataset",
                       "Drop the '" + std::string(toString(qc.kind)) + ":' prefix");
    PerturbationComponent c;
    c.name = it->first;
    c.kind = k.kind;
    c.doseUnit = roles_.doseUnit;
    if (qc.dose) {
      if (k.doses.empty())
        throw InputError(file_, where, "'" + qc.name + "' has a dose, but the dataset records no dose for it",
                         "Leave out '@" + formatDose(*qc.dose) + qc.doseUnit + "'");
      double d = *qc.dose;
      auto from = doseUnitToNanomolar(qc.doseUnit), to = doseUnitToNanomolar(roles_.doseUnit);
      if (!qc.doseUnit.empty() && from && to) d = d * *from / *to;
      // Unit conversion leaves rounding noise (0.05 uM -> 50.000000000000007 nM): snap to a dose seen.
      for (double seen : k.doses)
        if (std::abs(seen - d) <= 1e-9 * std::max(std::abs(seen), std::abs(d))) d = seen;
      c.dose = d;
    } else if (!k.doses.empty()) {
      if (k.doses.size() > 1) {
        std::vector<std::string> ds;
        for (double d : k.doses) ds.push_back(formatDose(d));
        throw InputError(file_, where, "'" + c.name + "' was given at several doses (" + listForMessage(ds, 10) + ")",
                         "Add the dose, e.g. " + c.name + "@" + ds.back());
      }
      c.dose = *k.doses.begin();
    }
    p.components.push_back(std::move(c));
  }
  if (const CatalogEntry* e = find(p.key())) return *e;
  // Each component was seen; the doses must have been seen too to be meaningful.
  for (const auto& c : p.components)
    if (c.dose && !known.at(c.name).doses.count(*c.dose)) {
      std::vector<std::string> ds;
      for (double d : known.at(c.name).doses) ds.push_back(formatDose(d));
      throw InputError(file_, where,
                       "'" + c.name + "' was never given at dose " + formatDose(*c.dose) +
                           (roles_.doseUnit.empty() ? "" : " " + roles_.doseUnit),
                       "Doses in the data: " + listForMessage(ds, 10));
    }
  CatalogEntry e;
  e.key = p.key();
  e.perturbation = std::move(p);
  e.observed = false;
  return e;
}

CatalogEntry PerturbationCatalog::resolve(std::string_view text) const {
  return resolve(parsePerturbationQuery(text, roles_.controlLabels));
}

void PerturbationCatalog::checkCellType(const std::string& cellType) const {
  if (cellType.empty() || std::find(cellTypes_.begin(), cellTypes_.end(), cellType) != cellTypes_.end()) return;
  throw InputError(file_, roles_.cellType.empty() ? "obs" : "obs/" + roles_.cellType,
                   "no cell type '" + cellType + "'",
                   cellTypes_.empty() ? std::string("The dataset has no cell type column (set --cell-type-col)")
                                      : "Closest: " + listForMessage(closestMatches(cellType, cellTypes_, 5)));
}

std::vector<std::int64_t> PerturbationCatalog::cellsOf(const std::string& key, const std::string& cellType) const {
  checkCellType(cellType);
  auto it = byKey_.find(key);
  if (it == byKey_.end()) {
    std::vector<std::string> keys;
    for (const auto& e : entries_) keys.push_back(e.key);
    throw InputError(file_, "condition '" + key + "'", "no cells with this condition",
                     "Closest: " + listForMessage(closestMatches(key, keys, 5)));
  }
  const auto& rows = rows_[it->second];
  if (cellType.empty()) return rows;
  std::vector<std::int64_t> out;
  for (auto r : rows)
    if (cellTypeOf(r) == cellType) out.push_back(r);
  return out;
}

std::vector<std::int64_t> PerturbationCatalog::controlCells(const std::string& cellType) const {
  checkCellType(cellType);
  if (!control()) return {};
  return cellsOf("ctrl", cellType);
}

}  // namespace scdfm
