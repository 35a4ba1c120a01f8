#include "core/sim/GeneNetwork.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <set>

#include "core/sim/SimRandom.h"

namespace scdfm::sim {

const char* toString(GeneRole r) {
  switch (r) {
    case GeneRole::Hub: return "hub";
    case GeneRole::ModuleRegulator: return "module_regulator";
    case GeneRole::SubRegulator: return "sub_regulator";
    case GeneRole::Target: return "target";
  }
  return "?";
}

namespace {

int level(GeneRole r) { return static_cast<int>(r); }

// Edge strengths: a minority of strong edges (clear, testable effects) among
// many weak ones, as in inferred regulatory networks.
double edgeMagnitude(SimRandom& rng, double strongShare) {
  return rng.bernoulli(strongShare) ? rng.uniform(0.5, 1.2) : rng.uniform(0.1, 0.4);
}

}  // namespace

GeneNetwork GeneNetwork::generate(int n, double feedbackFraction, SimRandom& rng) {
  GeneNetwork net;
  const int width = std::max(4, static_cast<int>(std::to_string(n).size()));
  for (int g = 0; g < n; ++g) net.names_.push_back(fmt::format("G{:0{}d}", g + 1, width));

  // Modules and roles on a random permutation, so names carry no structure.
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int i = n - 1; i > 0; --i) std::swap(perm[i], perm[rng.uniformInt(i + 1)]);
  net.nModules_ = std::max(3, n / 80);
  const int M = net.nModules_;
  net.module_.assign(n, 0);
  net.role_.assign(n, GeneRole::Target);
  for (int i = 0; i < n; ++i) net.module_[perm[i]] = i % M;

  const int nHubs = std::max(2, n / 200);
  std::vector<int> hubs;
  std::vector<std::vector<int>> moduleRegs(M), subRegs(M), members(M);
  int cursor = 0;
  for (int h = 0; h < nHubs; ++h) {
    hubs.push_back(perm[cursor]);
    net.role_[perm[cursor++]] = GeneRole::Hub;
  }
  for (int m = 0; m < M; ++m) {
    for (int i = cursor; i < n && static_cast<int>(moduleRegs[m].size()) < 2; ++i) {
      const int g = perm[i];
      if (net.role_[g] == GeneRole::Target && net.module_[g] == m) {
        net.role_[g] = GeneRole::ModuleRegulator;
        moduleRegs[m].push_back(g);
      }
    }
  }
  const int nSub = std::max(M, n / 20);
  for (int i = 0, made = 0; i < n && made < nSub; ++i) {
    const int g = perm[n - 1 - i];
    if (net.role_[g] != GeneRole::Target) continue;
    net.role_[g] = GeneRole::SubRegulator;
    subRegs[net.module_[g]].push_back(g);
    ++made;
  }
  for (int g = 0; g < n; ++g) members[net.module_[g]].push_back(g);

  std::set<std::pair<int, int>> seen;
  auto addEdge = [&](int src, int dst, double w, bool feedback) {
    if (src < 0 || src == dst || !seen.insert({src, dst}).second) return;
    net.edges_.push_back(Edge{src, dst, w, feedback});
  };
  auto signedMag = [&](double positiveShare, double strongShare) {
    const double mag = edgeMagnitude(rng, strongShare);
    return rng.bernoulli(positiveShare) ? mag : -mag;
  };
  auto pick = [&](const std::vector<int>& v) { return v.empty() ? -1 : v[rng.uniformInt(static_cast<int>(v.size()))]; };

  for (int g = 0; g < n; ++g) {
    const int m = net.module_[g];
    switch (net.role_[g]) {
      case GeneRole::Hub:
        break;  // master regulators: driven by cell-type programs and state only
      case GeneRole::ModuleRegulator: {
        const int k = 1 + rng.uniformInt(2);
        for (int i = 0; i < k; ++i) addEdge(pick(hubs), g, signedMag(0.7, 0.5), false);
        break;
      }
      case GeneRole::SubRegulator: {
        addEdge(pick(moduleRegs[m]), g, signedMag(0.65, 0.5), false);
        if (rng.bernoulli(0.3)) addEdge(pick(hubs), g, signedMag(0.65, 0.3), false);
        break;
      }
      case GeneRole::Target: {
        const double r = rng.uniform();
        const int k = r < 0.1 ? 0 : r < 0.5 ? 1 : r < 0.85 ? 2 : 3;  // 10% unregulated
        for (int i = 0; i < k; ++i) {
          const double s = rng.uniform();
          if (s < 0.55) addEdge(pick(moduleRegs[m]), g, signedMag(0.65, 0.6), false);
          else if (s < 0.75 && !subRegs[m].empty()) addEdge(pick(subRegs[m]), g, signedMag(0.65, 0.5), false);
          else if (s < 0.9) addEdge(pick(hubs), g, signedMag(0.65, 0.2), false);
          else addEdge(pick(moduleRegs[rng.uniformInt(M)]), g, signedMag(0.65, 0.3), false);
        }
        break;
      }
    }
  }
  // Negative feedback from targets onto their module's regulators.
  const int nFeedback = static_cast<int>(std::lround(feedbackFraction * static_cast<double>(net.edges_.size())));
  for (int i = 0, tries = 0; i < nFeedback && tries < 20 * nFeedback; ++tries) {
    const int g = rng.uniformInt(n);
    if (net.role_[g] != GeneRole::Target) continue;
    const int before = static_cast<int>(net.edges_.size());
    addEdge(g, pick(moduleRegs[net.module_[g]]), -rng.uniform(0.15, 0.35), true);
    if (static_cast<int>(net.edges_.size()) > before) ++i;
  }

  // Basal log rates: other genes spread widely (log-normal, sd 3) with the top
  // softly capped, so that a few dozen genes carry most UMIs but none
  // dominates, and most genes are rarely detected — the shape of a 10x HVG
  // subset (80-90% zeros). Regulators are well expressed (like the TFs and
  // essential genes screened in Perturb-seq) so that knockdowns are visible.
  const double sd = 3.0, cap = 2.576 * sd;  // cap at the 99.5th percentile
  net.basal_.resize(n);
  for (int g = 0; g < n; ++g) {
    if (net.isRegulator(g)) {
      net.basal_[g] = rng.normal(cap - 2.0, 0.8);
    } else {
      const double b = rng.normal(0.0, sd);
      net.basal_[g] = cap - std::log1p(std::exp(cap - b));  // soft minimum with the cap
    }
  }

  net.buildIndex();
  return net;
}

void GeneNetwork::buildIndex() {
  const int n = size();
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(),
                   [&](int a, int b) { return level(role_[a]) < level(role_[b]); });
  std::sort(edges_.begin(), edges_.end(), [](const Edge& a, const Edge& b) {
    return a.target != b.target ? a.target < b.target : a.source < b.source;
  });
  inStart_.assign(n + 1, 0);
  inSource_.clear();
  inWeight_.clear();
  out_.assign(n, {});
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    ++inStart_[edges_[e].target + 1];
    inSource_.push_back(edges_[e].source);
    inWeight_.push_back(edges_[e].weight);
    out_[edges_[e].source].push_back(static_cast<int>(e));
  }
  for (int g = 0; g < n; ++g) inStart_[g + 1] += inStart_[g];
}

std::vector<int> GeneNetwork::downstream(int g, int depth) const {
  std::vector<char> seen(size(), 0);
  std::vector<int> frontier{g}, result;
  seen[g] = 1;
  for (int d = 0; d < depth && !frontier.empty(); ++d) {
    std::vector<int> next;
    for (int s : frontier)
      for (int e : out_[s]) {
        const int t = edges_[e].target;
        if (!seen[t]) {
          seen[t] = 1;
          next.push_back(t);
          result.push_back(t);
        }
      }
    frontier.swap(next);
  }
  std::sort(result.begin(), result.end());
  return result;
}

void GeneNetwork::propagate(const double* u, const double* modulation, int sweeps, double* y, double* phi) const {
  const int n = size();
  const double L = kSaturation;
  auto phiOf = [&](int g) {
    const double p = L * std::tanh((y[g] - basal_[g]) / L);
    return modulation ? modulation[g] * p : p;
  };
  for (int g = 0; g < n; ++g) y[g] = u[g];
  for (int g = 0; g < n; ++g) phi[g] = out_[g].empty() ? 0.0 : phiOf(g);
  for (int s = 0; s < sweeps; ++s) {
    for (int g : order_) {
      double v = u[g];
      for (int k = inStart_[g]; k < inStart_[g + 1]; ++k) v += inWeight_[k] * phi[inSource_[k]];
      y[g] = v;
      if (!out_[g].empty()) phi[g] = phiOf(g);
    }
  }
}

}  // namespace scdfm::sim
