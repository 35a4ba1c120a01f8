#include "core/data/Perturbation.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

namespace {

const char* kQuerySyntax =
    "Write conditions as GENE, GENE1+GENE2, ctrl, drug@dose or kind:name@dose unit, e.g. KLF1+MAP2K6 or "
    "drug:dexamethasone@10uM";

std::vector<std::string> splitAny(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (seps.find(c) != std::string_view::npos) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Parses a whole string as a double (no trailing garbage); nullopt otherwise.
std::optional<double> parseNumber(std::string_view s) {
  std::string t = trim(s);
  if (t.empty()) return std::nullopt;
  double v = 0;
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

const char* toString(PerturbationKind k) {
  switch (k) {
    case PerturbationKind::Control: return "control";
    case PerturbationKind::Gene: return "gene";
    case PerturbationKind::Drug: return "drug";
    case PerturbationKind::Mixed: return "mixed";
  }
  return "?";
}

bool PerturbationComponent::operator==(const PerturbationComponent& o) const {
  return name == o.name && kind == o.kind && dose == o.dose && doseUnit == o.doseUnit;
}

PerturbationKind Perturbation::kind() const {
  if (components.empty()) return PerturbationKind::Control;
  PerturbationKind k = components.front().kind;
  for (const auto& c : components)
    if (c.kind != k) return PerturbationKind::Mixed;
  return k;
}

std::string formatDose(double dose) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, dose);
  return ec == std::errc() ? std::string(buf, p) : std::to_string(dose);
}

std::optional<double> doseUnitToNanomolar(std::string_view unit) {
  const std::string u = trim(unit);
  if (u == "pM") return 1e-3;
  if (u == "nM") return 1.0;
  if (u == "uM" || u == "µM" || u == "μM") return 1e3;
  if (u == "mM") return 1e6;
  if (u == "M") return 1e9;
  return std::nullopt;
}

std::string Perturbation::key() const {
  if (components.empty()) return "ctrl";
  std::vector<std::string> parts;
  for (const auto& c : components) parts.push_back(c.dose ? c.name + "@" + formatDose(*c.dose) : c.name);
  std::sort(parts.begin(), parts.end());
  return join(parts, "+");
}

std::string Perturbation::display() const {
  if (components.empty()) return "ctrl";
  std::vector<std::string> parts;
  for (const auto& c : components) {
    std::string s = c.name;
    if (c.dose) s += "@" + formatDose(*c.dose) + (c.doseUnit.empty() ? "" : " " + c.doseUnit);
    parts.push_back(s);
  }
  std::sort(parts.begin(), parts.end());
  return join(parts, "+");
}

const std::vector<std::string>& defaultControlLabels() {
  static const std::vector<std::string> labels{"ctrl", "control", "non-targeting", "nontargeting",
                                               "non_targeting", "dmso", "vehicle"};
  return labels;
}

bool isControlLabel(std::string_view token, const std::vector<std::string>& controlLabels) {
  const std::string t = toLower(trim(token));
  for (const auto& c : controlLabels)
    if (t == toLower(c)) return true;
  return false;
}

Perturbation parseConditionLabel(std::string_view label, std::string_view doseText,
                                 const ConditionParseOptions& options, const std::string& where) {
  Perturbation p;
  if (isControlLabel(label, options.controlLabels)) return p;
  for (const auto& tok : splitAny(label, options.separators)) {
    std::string name = trim(tok);
    // Empty parts ("A+") and control tokens ("A+ctrl", "control+B") carry no target.
    if (name.empty() || isControlLabel(name, options.controlLabels)) continue;
    PerturbationComponent c;
    c.name = name;
    c.kind = options.defaultKind;
    c.doseUnit = options.doseUnit;
    p.components.push_back(std::move(c));
  }
  const std::string dt = trim(doseText);
  if (!dt.empty() && !p.components.empty()) {
    std::vector<std::string> doseParts = splitAny(dt, options.separators);
    // Doses of control tokens: "0+100" for "ctrl+B" keeps only the doses of real components.
    if (doseParts.size() > 1) {
      std::vector<std::string> kept;
      auto labelParts = splitAny(label, options.separators);
      if (labelParts.size() == doseParts.size()) {
        for (std::size_t i = 0; i < labelParts.size(); ++i)
          if (!trim(labelParts[i]).empty() && !isControlLabel(labelParts[i], options.controlLabels))
            kept.push_back(doseParts[i]);
        doseParts = kept;
      }
    }
    if (doseParts.size() != 1 && doseParts.size() != p.components.size())
      throw InputError("", where,
                       "dose '" + dt + "' has " + std::to_string(doseParts.size()) + " values for condition '" +
                           std::string(label) + "' with " + std::to_string(p.components.size()) + " components",
                       "Give one dose for all components or one per component joined by '+'");
    for (std::size_t i = 0; i < p.components.size(); ++i) {
      const std::string& d = doseParts.size() == 1 ? doseParts[0] : doseParts[i];
      auto v = parseNumber(d);
      if (!v)
        throw InputError("", where, "dose '" + trim(d) + "' of condition '" + std::string(label) + "' is not a number",
                         "Choose the dose column with numeric doses (--dose-col)");
      p.components[i].dose = *v;
    }
  }
  return p;
}

Perturbation parsePerturbationQuery(std::string_view text, const std::vector<std::string>& controlLabels) {
  const std::string where = "perturbation '" + std::string(text) + "'";
  const std::string whole = trim(text);
  if (whole.empty()) throw InputError("", where, "no perturbation given", kQuerySyntax);
  Perturbation p;
  if (isControlLabel(whole, controlLabels)) return p;
  for (const auto& raw : split(whole, '+')) {
    std::string tok = trim(raw);
    if (tok.empty()) throw InputError("", where, "empty component (two '+' in a row or a '+' at an end)", kQuerySyntax);
    if (isControlLabel(tok, controlLabels)) continue;
    PerturbationComponent c;
    std::string body = tok;
    if (auto colon = body.find(':'); colon != std::string::npos) {
      const std::string kindText = toLower(trim(body.substr(0, colon)));
      if (kindText == "gene")
        c.kind = PerturbationKind::Gene;
      else if (kindText == "drug")
        c.kind = PerturbationKind::Drug;
      else
        throw InputError("", where, "unknown kind '" + trim(body.substr(0, colon)) + "' in '" + tok + "'",
                         "Use gene: or drug: before a name (or no prefix)");
      c.kindGiven = true;
      body = body.substr(colon + 1);
    }
    if (auto at = body.find('@'); at != std::string::npos) {
      std::string doseText = trim(body.substr(at + 1));
      body = body.substr(0, at);
      if (doseText.find('@') != std::string::npos)
        throw InputError("", where, "more than one '@' in '" + tok + "'", kQuerySyntax);
      // Split "10uM" / "10 uM" into number and unit: the unit is the trailing letters.
      std::size_t u = doseText.size();
      while (u > 0 && (std::isalpha(static_cast<unsigned char>(doseText[u - 1])) ||
                       static_cast<unsigned char>(doseText[u - 1]) >= 0x80))
        --u;
      // "1e3" ends in a digit, so an exponent's 'e' is never taken as a unit.
      std::string number = trim(doseText.substr(0, u));
      std::string unit = trim(doseText.substr(u));
      auto v = parseNumber(number);
      if (!v) throw InputError("", where, "dose '" + doseText + "' in '" + tok + "' is not a number", kQuerySyntax);
      if (*v < 0) throw InputError("", where, "dose '" + doseText + "' in '" + tok + "' is negative", kQuerySyntax);
      if (!unit.empty() && !doseUnitToNanomolar(unit))
        throw InputError("", where, "unknown dose unit '" + unit + "' in '" + tok + "'", "Use pM, nM, uM, mM or M");
      c.dose = *v;
      c.doseUnit = unit;
      if (!c.kindGiven) c.kind = PerturbationKind::Drug;  // only drugs have doses
    }
    c.name = trim(body);
    if (c.name.empty()) throw InputError("", where, "component '" + tok + "' has no name", kQuerySyntax);
    if (c.kindGiven && c.kind == PerturbationKind::Gene && c.dose)
      throw InputError("", where, "gene component '" + tok + "' has a dose", "Doses apply to drugs only");
    p.components.push_back(std::move(c));
  }
  if (p.components.empty()) return p;  // e.g. "ctrl+ctrl"
  for (std::size_t i = 0; i < p.components.size(); ++i)
    for (std::size_t j = i + 1; j < p.components.size(); ++j)
      if (p.components[i].name == p.components[j].name && p.components[i].dose == p.components[j].dose)
        throw InputError("", where, "component '" + p.components[i].name + "' appears twice", kQuerySyntax);
  return p;
}

std::string componentKey(const PerturbationComponent& component) {
  Perturbation single;
  single.components.push_back(component);
  return single.key();
}

}  // namespace scdfm
