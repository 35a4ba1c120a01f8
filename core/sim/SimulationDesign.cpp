#include "core/sim/SimulationDesign.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <set>

#include "core/data/Perturbation.h"
#include "core/sim/SimRandom.h"

namespace scdfm::sim {

const char* toString(InteractionType t) {
  switch (t) {
    case InteractionType::Additive: return "additive";
    case InteractionType::Synergistic: return "synergistic";
    case InteractionType::Buffering: return "buffering";
    case InteractionType::Epistatic: return "epistatic";
    case InteractionType::Neomorphic: return "neomorphic";
    case InteractionType::Independent: return "independent";
  }
  return "?";
}

const char* toString(ConditionKind k) {
  switch (k) {
    case ConditionKind::Control: return "control";
    case ConditionKind::Gene: return "gene";
    case ConditionKind::Drug: return "drug";
  }
  return "?";
}

double Drug::effect(double dose, double ec50Factor) const {
  if (!(dose > 0)) return 0.0;
  const double x = std::pow(dose / (ec50 * ec50Factor), hill);
  return x / (1.0 + x);
}

int SimulationDesign::totalCells() const {
  int n = 0;
  for (const auto& c : conditions) n += c.cells;
  return n;
}

namespace {

// Clearly synthetic drug names ("Sim…"), easy to type.
const std::vector<std::string>& drugNames() {
  static const std::vector<std::string> names{"Simutinib", "Simostat",  "Simoxane",  "Simuparib",
                                              "Simulimus", "Simodarone", "Simaclib",  "Simuvir",
                                              "Simetrexate", "Simoplatin", "Simazole", "Simumycin"};
  return names;
}

std::string keyOf(const std::vector<std::string>& names, std::optional<double> dose) {
  Perturbation p;
  for (const auto& n : names) {
    PerturbationComponent c;
    c.name = n;
    c.dose = dose;
    p.components.push_back(c);
  }
  return p.key();
}

template <class T>
void shuffle(std::vector<T>& v, SimRandom& rng) {
  for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[rng.uniformInt(i + 1)]);
}

}  // namespace

SimulationDesign SimulationDesign::generate(const SimulationConfig& cfg, const GeneNetwork& net, SimRandom& rng) {
  SimulationDesign d;
  const int n = net.size();
  const auto& roles = net.roles();
  const auto& modules = net.modules();

  // Cell types: type 0 is the reference; the others shift a third of the
  // regulators (their programs spread through the network) and every gene a little.
  for (int c = 0; c < cfg.cellTypes; ++c) {
    CellType t;
    t.name = fmt::format("Type{}", static_cast<char>('A' + c));
    t.proportion = 1.0 + 0.5 * rng.uniform();
    t.libraryFactor = c == 0 ? 1.0 : std::exp(rng.normal(0.0, 0.15));
    t.program.assign(n, 0.0);
    if (c > 0)
      for (int g = 0; g < n; ++g) {
        t.program[g] = rng.normal(0.0, 0.15);
        if (net.isRegulator(g) && rng.bernoulli(0.33)) t.program[g] += rng.normal(0.0, 0.8);
      }
    d.cellTypes.push_back(std::move(t));
  }
  double total = 0;
  for (const auto& t : d.cellTypes) total += t.proportion;
  for (auto& t : d.cellTypes) t.proportion /= total;

  // Latent state (a continuous program such as cell cycle): loads on two
  // modules with opposite signs, directly and through their regulators.
  d.stateLoading.assign(n, 0.0);
  const int stateUp = rng.uniformInt(net.moduleCount());
  const int stateDown = (stateUp + 1 + rng.uniformInt(net.moduleCount() - 1)) % net.moduleCount();
  for (int g = 0; g < n; ++g) {
    if (modules[g] == stateUp) d.stateLoading[g] = rng.normal(0.45, 0.1);
    else if (modules[g] == stateDown) d.stateLoading[g] = -rng.normal(0.35, 0.1);
  }
  // Regulators carry intrinsic noise that the network passes on (co-expression);
  // other genes' extra variability is left to the negative binomial.
  d.noiseSd.assign(n, 0.0);
  for (int g = 0; g < n; ++g) d.noiseSd[g] = net.isRegulator(g) ? 0.3 : 0.05;
  d.nbSize.resize(n);
  for (int g = 0; g < n; ++g) d.nbSize[g] = cfg.nbSize * std::exp(rng.normal(0.0, 0.5));

  // Perturbed genes: mostly regulators (like screens of TFs), some ordinary
  // expressed genes whose knockdown only affects themselves. Targets must be
  // expressed enough for the knockdown to show.
  double sumRate = 0;
  for (int g = 0; g < n; ++g) sumRate += std::exp(net.basal()[g]);
  auto expectedCount = [&](int g) { return cfg.medianLibrarySize * std::exp(net.basal()[g]) / sumRate; };
  std::vector<int> regs, others;
  for (int g = 0; g < n; ++g) {
    if (expectedCount(g) < 0.5) continue;
    (net.isRegulator(g) ? regs : others).push_back(g);
  }
  shuffle(regs, rng);
  shuffle(others, rng);
  // Most hubs first: big effects are part of a realistic screen but should not dominate it.
  std::stable_partition(regs.begin(), regs.end(), [&](int g) { return roles[g] == GeneRole::Hub; });
  const int wantRegs = std::min<int>(static_cast<int>(regs.size()), (3 * cfg.singles + 3) / 4);
  std::vector<int> targets(regs.begin(), regs.begin() + wantRegs);
  for (int g : others)
    if (static_cast<int>(targets.size()) < cfg.singles) targets.push_back(g);
  for (int g : regs)  // not enough expressed non-regulators
    if (static_cast<int>(targets.size()) < cfg.singles &&
        std::find(targets.begin(), targets.end(), g) == targets.end())
      targets.push_back(g);
  if (static_cast<int>(targets.size()) < cfg.singles) {  // fall back to the most expressed genes
    std::vector<int> all(n);
    for (int g = 0; g < n; ++g) all[g] = g;
    std::sort(all.begin(), all.end(), [&](int a, int b) { return net.basal()[a] > net.basal()[b]; });
    for (int g : all)
      if (static_cast<int>(targets.size()) < cfg.singles &&
          std::find(targets.begin(), targets.end(), g) == targets.end())
        targets.push_back(g);
  }
  std::sort(targets.begin(), targets.end());
  for (int g : targets) {
    GuideTarget t;
    t.gene = g;
    t.meanEffect = cfg.modality == Modality::CrisprI
                       ? std::clamp(cfg.knockdownRemaining * std::exp(rng.normal(0.0, 0.35)), 0.04, 0.6)
                       : std::max(1.5, cfg.activationFold * std::exp(rng.normal(0.0, 0.35)));
    d.guides.push_back(t);
  }

  // Drugs: each inhibits one or two regulators (their module follows) and
  // directly moves the genes of another module (a stress-like response).
  double logMid = 0;
  for (double x : cfg.doses) logMid += std::log(x);
  logMid = cfg.doses.empty() ? std::log(100.0) : logMid / static_cast<double>(cfg.doses.size());
  std::vector<int> allRegs;
  for (int g = 0; g < n; ++g)
    if (net.isRegulator(g) && roles[g] != GeneRole::SubRegulator) allRegs.push_back(g);
  for (int k = 0; k < cfg.drugs; ++k) {
    Drug dr;
    dr.name = k < static_cast<int>(drugNames().size()) ? drugNames()[k] : fmt::format("Simdrug{}", k + 1);
    const int nt = 1 + rng.uniformInt(2);
    for (int i = 0; i < nt && !allRegs.empty(); ++i) {
      const int g = allRegs[rng.uniformInt(static_cast<int>(allRegs.size()))];
      if (std::find(dr.targets.begin(), dr.targets.end(), g) == dr.targets.end()) dr.targets.push_back(g);
    }
    std::sort(dr.targets.begin(), dr.targets.end());
    dr.responseModule = rng.uniformInt(net.moduleCount());
    const double sign = rng.bernoulli(0.6) ? 1.0 : -1.0;
    const double amplitude = rng.uniform(0.4, 0.9);
    for (int g = 0; g < n; ++g)
      if (modules[g] == dr.responseModule && rng.bernoulli(0.6)) {
        dr.responseGenes.push_back(g);
        dr.responseWeights.push_back(sign * amplitude * rng.uniform(0.5, 1.0));
      }
    dr.ec50 = std::exp(logMid + rng.uniform(-1.1, 1.1));
    dr.hill = rng.uniform(1.0, 2.0);
    dr.emax = rng.uniform(0.75, 0.95);
    d.drugs.push_back(std::move(dr));
  }

  // Conditions.
  Condition ctrl;
  ctrl.label = "ctrl";
  ctrl.key = "ctrl";
  ctrl.kind = ConditionKind::Control;
  ctrl.cells = cfg.controlCells;
  d.conditions.push_back(ctrl);
  const auto& names = net.names();
  for (int i = 0; i < static_cast<int>(d.guides.size()); ++i) {
    Condition c;
    const std::string& gname = names[d.guides[i].gene];
    c.label = gname + "+ctrl";
    c.key = keyOf({gname}, std::nullopt);
    c.kind = ConditionKind::Gene;
    c.guides = {i};
    c.cells = cfg.cellsPerCondition;
    d.conditions.push_back(c);
  }

  // Combinations: a fixed mix of interaction types. Types that act through
  // out-edges need two regulators; additive pairs prefer different modules.
  static const InteractionType pattern[10] = {
      InteractionType::Additive,  InteractionType::Synergistic, InteractionType::Buffering,
      InteractionType::Epistatic, InteractionType::Neomorphic,  InteractionType::Additive,
      InteractionType::Additive,  InteractionType::Synergistic, InteractionType::Buffering,
      InteractionType::Additive};
  std::vector<int> regGuides, allGuides;
  for (int i = 0; i < static_cast<int>(d.guides.size()); ++i) {
    allGuides.push_back(i);
    if (net.isRegulator(d.guides[i].gene) && !net.outEdges(d.guides[i].gene).empty()) regGuides.push_back(i);
  }
  std::set<std::pair<int, int>> used;
  for (int k = 0; k < cfg.combos; ++k) {
    InteractionType type = pattern[k % 10];
    const bool needsRegs = type == InteractionType::Synergistic || type == InteractionType::Buffering ||
                           type == InteractionType::Epistatic;
    if (needsRegs && regGuides.size() < 2) type = InteractionType::Additive;
    const auto& pool = needsRegs && type != InteractionType::Additive ? regGuides : allGuides;
    int a = -1, b = -1;
    for (int tries = 0; tries < 200; ++tries) {
      int x = pool[rng.uniformInt(static_cast<int>(pool.size()))];
      int y = pool[rng.uniformInt(static_cast<int>(pool.size()))];
      if (x == y) continue;
      if (x > y) std::swap(x, y);
      if (used.count({x, y})) continue;
      const bool sameModule = modules[d.guides[x].gene] == modules[d.guides[y].gene];
      if (type == InteractionType::Additive && sameModule && tries < 150) continue;
      a = x;
      b = y;
      break;
    }
    if (a < 0) {  // exhausted: take the first unused pair
      for (int x = 0; x < static_cast<int>(allGuides.size()) && a < 0; ++x)
        for (int y = x + 1; y < static_cast<int>(allGuides.size()) && a < 0; ++y)
          if (!used.count({x, y})) {
            a = x;
            b = y;
          }
      type = InteractionType::Additive;
    }
    used.insert({a, b});
    Condition c;
    const std::string& na = names[d.guides[a].gene];
    const std::string& nb = names[d.guides[b].gene];
    c.label = na + "+" + nb;
    c.key = keyOf({na, nb}, std::nullopt);
    c.kind = ConditionKind::Gene;
    c.guides = {a, b};
    c.cells = cfg.cellsPerCondition;
    c.interaction.type = type;
    switch (type) {
      case InteractionType::Synergistic: c.interaction.strength = rng.uniform(0.8, 1.5); break;
      case InteractionType::Buffering: c.interaction.strength = rng.uniform(0.6, 0.9); break;
      case InteractionType::Epistatic:
        c.interaction.strength = 1.0;
        c.interaction.maskedGene = d.guides[rng.bernoulli(0.5) ? a : b].gene;
        break;
      case InteractionType::Neomorphic: {
        // A module that neither target reaches.
        std::set<int> reached;
        for (int g : {d.guides[a].gene, d.guides[b].gene}) {
          reached.insert(g);
          for (int t : net.downstream(g, 4)) reached.insert(t);
        }
        int best = -1, bestOverlap = n + 1;
        for (int m0 = rng.uniformInt(net.moduleCount()), i = 0; i < net.moduleCount(); ++i) {
          const int m = (m0 + i) % net.moduleCount();
          int overlap = 0;
          for (int g = 0; g < n; ++g) overlap += modules[g] == m && reached.count(g);
          if (overlap < bestOverlap) {
            best = m;
            bestOverlap = overlap;
          }
        }
        c.interaction.strength = rng.uniform(0.6, 1.0);
        const double sign = rng.bernoulli(0.5) ? 1.0 : -1.0;
        for (int g = 0; g < n; ++g)
          if (modules[g] == best && !reached.count(g) && rng.bernoulli(0.5)) {
            c.interaction.neoGenes.push_back(g);
            c.interaction.neoWeights.push_back(sign * rng.uniform(0.5, 1.0));
          }
        break;
      }
      default: break;
    }
    d.conditions.push_back(c);
  }

  // Drugs at every dose, then drug pairs at the middle dose (Bliss independence).
  for (int k = 0; k < static_cast<int>(d.drugs.size()); ++k)
    for (double dose : cfg.doses) {
      Condition c;
      c.label = d.drugs[k].name;
      c.key = keyOf({d.drugs[k].name}, dose);
      c.kind = ConditionKind::Drug;
      c.drugs = {k};
      c.dose = dose;
      c.cells = cfg.cellsPerCondition;
      d.conditions.push_back(c);
    }
  std::set<std::pair<int, int>> usedDrugs;
  for (int k = 0; k < cfg.drugCombos; ++k) {
    const int nd = static_cast<int>(d.drugs.size());
    int a = k % nd, b = (k % nd + 1 + k / nd) % nd;
    if (a > b) std::swap(a, b);
    for (int tries = 0; (a == b || usedDrugs.count({a, b})) && tries < 100; ++tries) {
      a = rng.uniformInt(nd);
      b = rng.uniformInt(nd);
      if (a > b) std::swap(a, b);
    }
    if (a == b || usedDrugs.count({a, b})) break;
    usedDrugs.insert({a, b});
    const double dose = cfg.doses[cfg.doses.size() / 2];
    Condition c;
    c.label = d.drugs[a].name + "+" + d.drugs[b].name;
    c.key = keyOf({d.drugs[a].name, d.drugs[b].name}, dose);
    c.kind = ConditionKind::Drug;
    c.drugs = {a, b};
    c.dose = dose;
    c.cells = cfg.cellsPerCondition;
    c.interaction.type = InteractionType::Independent;
    d.conditions.push_back(c);
  }
  return d;
}

}  // namespace scdfm::sim
