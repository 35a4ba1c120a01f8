#include "core/data/ColumnRoles.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "core/io/AnnData.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

namespace {

bool isText(const Column& c) { return c.kind == Column::Kind::String || c.kind == Column::Kind::Categorical; }

// Case-insensitive column lookup.
const Column* findColumn(const DataFrame& df, std::string_view name) {
  const std::string want = toLower(name);
  for (const auto& c : df.columns)
    if (toLower(c.name) == want) return &c;
  return nullptr;
}

// Distinct non-missing values of a text column (categories actually used).
std::vector<std::string> distinctValues(const Column& c, std::size_t limit = 100000) {
  std::set<std::string> seen;
  if (c.kind == Column::Kind::Categorical) {
    std::vector<std::uint8_t> used(c.categories.size(), 0);
    for (auto code : c.codes)
      if (code >= 0 && static_cast<std::size_t>(code) < used.size()) used[code] = 1;
    for (std::size_t i = 0; i < used.size(); ++i)
      if (used[i]) seen.insert(c.categories[i]);
  } else {
    for (std::size_t i = 0; i < c.size() && seen.size() < limit; ++i)
      if (!c.isMissing(i)) seen.insert(c.text(i));
  }
  return {seen.begin(), seen.end()};
}

bool labelIsControl(const std::string& label, const std::vector<std::string>& controls, std::string_view seps) {
  if (isControlLabel(label, controls)) return true;
  std::string cur;
  bool any = false;
  for (char ch : label + std::string(1, seps.empty() ? '+' : seps[0])) {
    if (seps.find(ch) != std::string_view::npos) {
      if (!trim(cur).empty()) {
        if (!isControlLabel(cur, controls)) return false;
        any = true;
      }
      cur.clear();
    } else {
      cur += ch;
    }
  }
  return any;
}

std::string firstControlValue(const std::vector<std::string>& values, const std::vector<std::string>& controls) {
  for (const auto& v : values)
    if (labelIsControl(v, controls, "+_")) return v;
  return {};
}

struct NameCandidate {
  const char* name;
  ConditionFormat format;
  double score;
};

const Column& requireColumn(const DataFrame& df, const std::string& name, const char* what, const std::string& file,
                            const char* option) {
  if (const Column* c = df.find(name)) return *c;
  std::vector<std::string> names;
  for (const auto& c : df.columns) names.push_back(c.name);
  auto close = closestMatches(name, names, 5);
  throw InputError(file, what, std::string("no column '") + name + "'",
                   close.empty() ? std::string("The table has no columns to choose from")
                                 : "Closest columns: " + listForMessage(close) + " (set " + option + ")");
}

std::optional<std::string> unitFromName(const std::string& colName) {
  const std::string l = toLower(colName);
  auto ends = [&](const char* s) {
    std::string t = s;
    return l.size() >= t.size() && l.compare(l.size() - t.size(), t.size(), t) == 0;
  };
  if (ends("_nm")) return "nM";
  if (ends("_um")) return "uM";
  if (ends("_mm")) return "mM";
  return std::nullopt;
}

bool hasMeaningfulDoses(const Column& c) {
  if (isText(c)) {
    // "10+100" style text doses count as meaningful too.
    for (const auto& v : distinctValues(c, 5000))
      if (doseTextIsNonZero(v)) return true;
    return false;
  }
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double v = c.number(i);
    if (std::isfinite(v) && v != 0) return true;
  }
  return false;
}

// Most common text of a column (e.g. the dose_unit column).
std::string mostCommonText(const Column& c) {
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (!c.isMissing(i)) {
      std::string t = trim(c.text(i));
      if (!t.empty() && toLower(t) != "nan") ++counts[t];
    }
  std::string best;
  std::size_t n = 0;
  for (const auto& [t, k] : counts)
    if (k > n) best = t, n = k;
  return best;
}

}  // namespace

const char* toString(ConditionFormat f) {
  switch (f) {
    case ConditionFormat::Gears: return "gears";
    case ConditionFormat::ScPerturb: return "scperturb";
    case ConditionFormat::Drug: return "drug";
  }
  return "?";
}

ConditionParseOptions ColumnRoles::parseOptions() const {
  ConditionParseOptions o;
  o.controlLabels = controlLabels;
  // GEARS labels use '+' only (gene symbols may contain '_'); the other layouts also join with '_'.
  o.separators = format == ConditionFormat::Gears ? "+" : "+_";
  o.defaultKind = format == ConditionFormat::Drug ? PerturbationKind::Drug : PerturbationKind::Gene;
  o.doseUnit = doseUnit;
  return o;
}

std::optional<PerturbationKind> perturbationKindFromType(std::string_view typeText) {
  const std::string l = toLower(trim(typeText));
  if (l.empty()) return std::nullopt;
  for (const char* w : {"drug", "chem", "compound", "molecule"})
    if (l.find(w) != std::string::npos) return PerturbationKind::Drug;
  for (const char* w : {"crispr", "gene", "knock", "orf", "shrna", "sirna", "cas9"})
    if (l.find(w) != std::string::npos) return PerturbationKind::Gene;
  for (const char* w : {"control", "ctrl", "vehicle", "non-targeting", "nontargeting", "untreated", "none"})
    if (l.find(w) != std::string::npos) return PerturbationKind::Control;
  return std::nullopt;
}

bool doseTextIsNonZero(std::string_view doseText) {
  std::string part;
  auto check = [&] {
    const std::string t = trim(part);
    part.clear();
    if (t.empty()) return false;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    return end == t.c_str() + t.size() && std::isfinite(v) && v != 0;
  };
  for (char ch : doseText) {
    if (ch == '+' || ch == '_') {
      if (check()) return true;
    } else {
      part += ch;
    }
  }
  return check();
}

bool looksLikeEnsemblIds(const std::vector<std::string>& names) {
  if (names.empty()) return false;
  std::size_t hits = 0, n = std::min<std::size_t>(names.size(), 2000);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& s = names[i];
    if (s.size() < 8 || s.compare(0, 3, "ENS") != 0) continue;
    // ENS + species letters + G + digits (version suffix ".12" allowed).
    std::size_t p = 3;
    while (p < s.size() && std::isupper(static_cast<unsigned char>(s[p]))) ++p;
    if (p == 3 || s[p - 1] != 'G' || p >= s.size() || !std::isdigit(static_cast<unsigned char>(s[p]))) continue;
    ++hits;
  }
  return hits * 10 >= n * 8;
}

std::string conditionLabelOf(const DataFrame& obs, const ColumnRoles& roles, std::size_t row) {
  if (roles.condition.empty()) return {};
  const Column* a = obs.find(roles.condition);
  if (!a || a->isMissing(row)) return {};
  std::string label = a->text(row);
  if (!roles.secondCondition.empty())
    if (const Column* b = obs.find(roles.secondCondition); b && !b->isMissing(row)) label += "+" + b->text(row);
  return label;
}

RoleDetection detectColumnRoles(const DataFrame& obs, const DataFrame& var, const ColumnRoleOverrides& ov,
                                const std::string& file) {
  RoleDetection det;
  ColumnRoles& r = det.roles;
  if (ov.controlLabels) r.controlLabels = *ov.controlLabels;

  // ---- condition column -------------------------------------------------
  static const NameCandidate kConditionNames[] = {
      {"condition", ConditionFormat::Gears, 0.9},        {"perturbation", ConditionFormat::ScPerturb, 0.9},
      {"product_name", ConditionFormat::Drug, 0.85},     {"perturbation_name", ConditionFormat::ScPerturb, 0.8},
      {"drug", ConditionFormat::Drug, 0.8},              {"compound", ConditionFormat::Drug, 0.8},
      {"treatment", ConditionFormat::Drug, 0.7},         {"perturbagen", ConditionFormat::Drug, 0.7},
      {"target_gene", ConditionFormat::ScPerturb, 0.65}, {"gene", ConditionFormat::Gears, 0.55},
      {"condition_name", ConditionFormat::Gears, 0.55},  {"guide_identity", ConditionFormat::ScPerturb, 0.5},
      {"target", ConditionFormat::ScPerturb, 0.5},
  };
  RoleFinding cond{"condition", "", 0, false, ""};
  if (ov.condition) {
    if (!ov.condition->empty()) requireColumn(obs, *ov.condition, "obs", file, "--condition-col");
    cond = {"condition", *ov.condition, 1.0, true, "chosen by the user"};
    // Neutral start; GEARS labels or doses below refine it.
    r.format = ConditionFormat::ScPerturb;
  } else {
    double best = 0;
    for (const auto& cand : kConditionNames) {
      const Column* c = findColumn(obs, cand.name);
      if (!c || !isText(*c)) continue;
      auto values = distinctValues(*c);
      std::string ctl = firstControlValue(values, r.controlLabels);
      double score = cand.score + (ctl.empty() ? -0.3 : 0.1);
      if (score > best) {
        best = score;
        r.format = cand.format;
        cond = {"condition", c->name, std::min(1.0, score), false,
                "column name '" + c->name + "' is a usual condition column" +
                    (ctl.empty() ? std::string(", but no value is a control label (") + listForMessage(r.controlLabels, 5) +
                                       ")"
                                 : ", and value '" + ctl + "' is a control label")};
      }
    }
    // Drug1/Drug2 pair (combosciplex) when no single condition column was found.
    if (cond.column.empty()) {
      const Column* d1 = findColumn(obs, "drug1");
      const Column* d2 = findColumn(obs, "drug2");
      if (d1 && d2 && isText(*d1) && isText(*d2)) {
        cond = {"condition", d1->name, 0.75, false,
                "columns '" + d1->name + "' and '" + d2->name + "' hold the two drugs of a combination"};
        r.secondCondition = d2->name;
        r.format = ConditionFormat::Drug;
      }
    }
    // Last resort: any text column with a control label among few distinct values.
    if (cond.column.empty()) {
      for (const auto& c : obs.columns) {
        if (!isText(c)) continue;
        auto values = distinctValues(c, 5000);
        if (values.size() < 2 || values.size() * 2 > std::max<std::size_t>(c.size(), 2)) continue;
        std::string ctl = firstControlValue(values, r.controlLabels);
        if (ctl.empty()) continue;
        cond = {"condition", c.name, 0.45, false,
                "no usual condition column; '" + c.name + "' has the control label '" + ctl + "' among its values"};
        r.format = ConditionFormat::ScPerturb;
        break;
      }
    }
    if (cond.column.empty())
      cond.why = "no obs column looks like a condition (tried " +
                 listForMessage({"condition", "perturbation", "product_name", "drug", "Drug1/Drug2"}) +
                 "); choose one with --condition-col";
  }
  r.condition = cond.column;
  if (ov.secondCondition) {
    if (!ov.secondCondition->empty()) requireColumn(obs, *ov.secondCondition, "obs", file, "the second drug column");
    r.secondCondition = *ov.secondCondition;
  }
  // GEARS-style labels ("A+ctrl") identify the layout whatever the column name.
  if (!r.condition.empty() && r.format != ConditionFormat::Drug) {
    if (const Column* c = obs.find(r.condition); c && isText(*c)) {
      for (const auto& v : distinctValues(*c, 5000)) {
        const std::string l = toLower(v);
        if (l.find("+ctrl") != std::string::npos || l.rfind("ctrl+", 0) == 0) {
          r.format = ConditionFormat::Gears;
          cond.why += "; labels like '" + v + "' are GEARS style";
          break;
        }
      }
    }
  }

  // ---- perturbation type ----------------------------------------------------
  static const char* kTypeNames[] = {"perturbation_type", "perturbation_kind", "pert_type", "perturbation_class"};
  RoleFinding type{"perturbation type", "", 0, false, "no perturbation type column"};
  if (ov.perturbationType) {
    if (!ov.perturbationType->empty()) requireColumn(obs, *ov.perturbationType, "obs", file, "the perturbation type column");
    type = {"perturbation type", *ov.perturbationType, 1.0, true, "chosen by the user"};
  } else {
    for (const char* n : kTypeNames)
      if (const Column* c = findColumn(obs, n); c && isText(*c)) {
        type = {"perturbation type", c->name, 0.9, false, "column name '" + c->name + "'"};
        break;
      }
  }
  r.perturbationType = type.column;

  // ---- dose -------------------------------------------------------------------
  static const char* kDoseNames[] = {"dose", "dose_value", "dose_val", "dosage", "dose_nm", "dose_um", "concentration"};
  RoleFinding dose{"dose", "", 0, false, "no dose column"};
  if (ov.dose) {
    if (!ov.dose->empty()) requireColumn(obs, *ov.dose, "obs", file, "--dose-col");
    dose = {"dose", *ov.dose, 1.0, true, "chosen by the user"};
  } else {
    for (const char* n : kDoseNames)
      if (const Column* c = findColumn(obs, n)) {
        if (!hasMeaningfulDoses(*c)) {
          dose.why = "column '" + c->name + "' holds no non-zero dose, so it is ignored";
          continue;
        }
        dose = {"dose", c->name, 0.9, false, "column name '" + c->name + "' with numeric doses"};
        break;
      }
  }
  r.dose = dose.column;
  if (!r.dose.empty()) {
    if (auto u = unitFromName(r.dose)) r.doseUnit = *u;
    if (const Column* uc = findColumn(obs, "dose_unit")) r.doseUnit = mostCommonText(*uc);
  }
  if (ov.doseUnit) r.doseUnit = *ov.doseUnit;
  // ---- gene vs drug ---------------------------------------------------------------
  // A perturbation type column naming both genes and drugs, or (without one)
  // doses on only some perturbed rows, means one column mixes both kinds.
  bool typeGene = false, typeDrug = false;
  if (!r.perturbationType.empty())
    if (const Column* c = obs.find(r.perturbationType); c && isText(*c)) {
      for (const auto& v : distinctValues(*c, 5000))
        if (auto k = perturbationKindFromType(v)) {
          typeGene = typeGene || *k == PerturbationKind::Gene;
          typeDrug = typeDrug || *k == PerturbationKind::Drug;
        }
    }
  if (typeGene && typeDrug) {
    r.kindsPerRow = true;
    cond.why += "; column '" + r.perturbationType + "' says gene or drug per cell";
  } else if (typeDrug) {
    if (r.format != ConditionFormat::Drug) {
      r.format = ConditionFormat::Drug;
      cond.why += "; the perturbation type says drug";
    }
  } else if (typeGene) {
    // Every perturbation is genetic: a dose column (GEARS' dose_val "1+1") is no drug dose.
    if (!ov.dose && !r.dose.empty()) {
      dose = {"dose", "", 0, false,
              "column '" + r.dose + "' ignored: column '" + r.perturbationType + "' says every perturbation is genetic"};
      r.dose.clear();
      r.doseUnit.clear();
    }
  } else if (!r.dose.empty() && r.format != ConditionFormat::Drug && !r.condition.empty()) {
    // Count perturbed (non-control) rows with and without a non-zero dose.
    const Column* lc = obs.find(r.condition);
    const Column* dc = obs.find(r.dose);
    std::size_t withDose = 0, withoutDose = 0;
    if (lc && dc) {
      const std::string seps = r.format == ConditionFormat::Gears ? "+" : "+_";
      std::map<std::string, std::uint8_t> controlByLabel;  // few distinct labels, many cells
      for (std::size_t i = 0; i < lc->size() && (withDose == 0 || withoutDose == 0); ++i) {
        if (lc->isMissing(i)) continue;
        const std::string label = lc->text(i);
        auto it = controlByLabel.find(label);
        if (it == controlByLabel.end())
          it = controlByLabel.emplace(label, labelIsControl(label, r.controlLabels, seps) ? 1 : 0).first;
        if (it->second || trim(label).empty()) continue;
        const double v = dc->number(i);
        const bool has = (std::isfinite(v) && v != 0) || (isText(*dc) && doseTextIsNonZero(dc->text(i)));
        (has ? withDose : withoutDose) += 1;
      }
    }
    if (withDose && withoutDose) {
      r.kindsPerRow = true;
      cond.why += "; only some perturbed cells have a dose in '" + r.dose +
                  "': those are drugs, the others genes";
    } else if (r.format != ConditionFormat::Gears) {
      r.format = ConditionFormat::Drug;
      cond.why += "; a dose column makes these drug conditions";
    }
  }
  if (ov.format) r.format = *ov.format;
  // GEARS gene conditions carry no doses (Norman's dose_val is "1+1"): ignore a detected dose column.
  if (r.format == ConditionFormat::Gears && !r.kindsPerRow && !ov.dose && !r.dose.empty()) {
    dose = {"dose", "", 0, false, "column '" + r.dose + "' ignored: GEARS-style gene conditions have no doses"};
    r.dose.clear();
    r.doseUnit.clear();
  }

  // ---- cell type ----------------------------------------------------------------
  static const char* kCellTypeNames[] = {"cell_type", "celltype", "cell_line", "cellline", "cell_types",
                                         "cell_type_name", "cell_line_name", "cell_label"};
  RoleFinding ct{"cell type", "", 0, false, "no cell type column; all cells form one context"};
  if (ov.cellType) {
    if (!ov.cellType->empty()) requireColumn(obs, *ov.cellType, "obs", file, "--cell-type-col");
    ct = {"cell type", *ov.cellType, 1.0, true, "chosen by the user"};
  } else {
    for (const char* n : kCellTypeNames)
      if (const Column* c = findColumn(obs, n); c && isText(*c)) {
        ct = {"cell type", c->name, 0.9, false, "column name '" + c->name + "'"};
        break;
      }
  }
  r.cellType = ct.column;

  // ---- gene names (var) ----------------------------------------------------------
  static const char* kGeneNameCols[] = {"gene_symbols", "gene_symbol", "gene_name",      "gene_names",
                                        "symbol",       "feature_name", "gene_short_name", "gene", "genes"};
  RoleFinding gn{"gene names", "", 0.9, false, "the var index holds gene symbols"};
  if (ov.geneNameColumn) {
    if (!ov.geneNameColumn->empty()) requireColumn(var, *ov.geneNameColumn, "var", file, "the gene name column");
    gn = {"gene names", *ov.geneNameColumn, 1.0, true, "chosen by the user"};
  } else if (looksLikeEnsemblIds(var.index)) {
    gn = {"gene names", "", 0.4, false, "the var index holds Ensembl ids and no var column holds symbols"};
    for (const char* n : kGeneNameCols) {
      const Column* c = findColumn(var, n);
      if (!c || !isText(*c)) continue;
      std::vector<std::string> sample;
      for (std::size_t i = 0; i < std::min<std::size_t>(c->size(), 2000); ++i) sample.push_back(c->text(i));
      if (looksLikeEnsemblIds(sample)) continue;
      gn = {"gene names", c->name, 0.9, false, "the var index holds Ensembl ids; column '" + c->name + "' holds symbols"};
      break;
    }
  }
  r.geneNameColumn = gn.column;
  if (ov.controlLabels)
    det.findings.push_back({"control labels", listForMessage(r.controlLabels, 20), 1.0, true, "chosen by the user"});
  det.confidence = cond.confidence;
  det.findings.insert(det.findings.begin(), {cond, ct, dose, type, gn});
  return det;
}

}  // namespace scdfm
