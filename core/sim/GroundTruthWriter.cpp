#include "core/sim/GroundTruthWriter.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/data/Perturbation.h"
#include "core/io/Safetensors.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace fs = std::filesystem;

namespace scdfm::sim {

std::string truthFolderFor(const std::string& h5adPath) {
  fs::path p(h5adPath);
  if (p.extension() == ".h5ad") p.replace_extension();
  return p.string() + ".truth";
}

namespace {

void writeText(const std::string& path, const std::string& text) {
  writeFileAtomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw InputError(path, "", "could not write the file", "check the disk space and permissions");
  });
}

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }

std::string doseText(const Condition& c) { return c.kind == ConditionKind::Drug ? formatDose(c.dose) : ""; }

std::string targetsOf(const SimulationResult& r, const Condition& c) {
  std::vector<std::string> t;
  for (int gi : c.guides) t.push_back(r.network.names()[r.design.guides[gi].gene]);
  for (int d : c.drugs) t.push_back(r.design.drugs[d].name);
  return join(t, "+");
}

std::string conditionMatrix(const SimulationResult& r, bool shift) {
  const auto& genes = r.network.names();
  std::string s = "condition,key,dose";
  for (const auto& g : genes) s += "," + g;
  s += "\n";
  for (std::size_t c = shift ? 1 : 0; c < r.design.conditions.size(); ++c) {
    const Condition& cond = r.design.conditions[c];
    s += cond.label + "," + cond.key + "," + doseText(cond);
    for (std::size_t g = 0; g < genes.size(); ++g) {
      const double v = shift ? r.truth.meanLog1p(c, g) - r.truth.meanLog1p(0, g) : r.truth.expectedCounts(c, g);
      s += "," + (v == 0 ? std::string("0") : num(v));
    }
    s += "\n";
  }
  return s;
}

const char* kReadme = R"(Ground truth of a simulated Perturb-seq dataset (scdfm simulate).

The expression model (per cell, natural-log rates y, see core/sim/GeneNetwork.h):
  y_g = u_g + sum_j W_gj * m_j * L * tanh((y_j - b_j) / L)         L = 2
  u_g = basal b_g + cell-type program + state_loading_g * s + noise
        + log(fraction left) on CRISPRi targets (log(fold) for CRISPRa)
        + drug terms: log(1 - emax * H(dose)) on drug targets, weight * H(dose) on response genes,
          H(d) = d^h / (d^h + (EC50 * f_cell)^h)
  counts_g ~ NegativeBinomial(mean = library * scale * exp(y_g), size = nb_size_g)

Files:
  params.json             configuration, cell types, guides, drugs
  genes.csv               per gene: module, role (hub/module_regulator/sub_regulator/target), basal log rate,
                          negative-binomial size, state loading, expected control UMIs per cell
  network_edges.csv       the true directed network: source,target,weight,sign,feedback
                          (weight: change of the target's log rate per unit of the regulator's saturated
                          log-change; feedback=1 for the negative feedback edges)
  gene_graph.safetensors  undirected version of the network for graph priors:
                          "adjacency" U8 [G,G] in var order, 1 = edge, diagonal 1;
                          "mask" U8 [G+4,G+4], 1 = blocked: the scDFM attention-mask layout (4 special
                          tokens first, then genes in sorted order, specials attend to themselves only).
                          metadata "genes" (var order) and "gene_order" (mask order) are JSON arrays.
  conditions.csv          every condition with its targets, dose (nM), number of cells in the .h5ad and the
                          guide's mean effect (CRISPRi: mean fraction of mRNA left; CRISPRa: mean fold)
  mean_shift_log1p.csv    true mean shift per condition and gene in log1p-normalised space:
                          E[log1p(count / total * T)] - E[same for ctrl], T = normalize_target_sum in
                          params.json (the median library size, as scanpy's normalize_total default).
                          Estimated on the same Monte-Carlo cells for every condition (common random
                          numbers), so genes the perturbation does not reach move only through the
                          normalisation by total counts (composition; typically |shift| < 0.01).
  expected_counts.csv     true expected UMIs per cell for every condition (ctrl included): count space;
                          genes the perturbation does not reach have exactly the control's value.
  interactions.csv        combinations: designed type (additive, synergistic, buffering, epistatic,
                          neomorphic; drug pairs: independent) and strength, and scores from the true
                          log1p shifts with the two targets excluded:
                            gi_score       |d_AB| / |d_A + d_B| - 1   (> 0 synergy, < 0 buffering)
                            nonadditivity  |d_AB - (d_A + d_B)| / |d_A + d_B|
                            c_a, c_b       least squares d_AB ~ c_a d_A + c_b d_B (Norman et al. 2019)
                            magnitude      sqrt(c_a^2 + c_b^2); dominance |log10(|c_a| / |c_b|)|
                            model_fit      Pearson(c_a d_A + c_b d_B, d_AB)
  drugs.csv               drug targets, response module, Hill parameters (EC50 in nM)

Keys (column "key"): components sorted by name, drugs as name@dose, control "ctrl" (as
scdfm::Perturbation::key()). The .h5ad's obs "condition" uses GEARS labels (ctrl, A+ctrl, A+B) and drug
names with the dose in obs "dose" (nM; uns "dose_unit").
)";

}  // namespace

void writeGroundTruth(const SimulationResult& r, const std::string& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw InputError(folder, "", "could not create the ground-truth folder: " + ec.message(),
                     "check that the parent folder exists and is writable");
  const auto& net = r.network;
  const auto& d = r.design;
  const auto& genes = net.names();
  const int n = net.size();
  const std::string dir = (fs::path(folder) / "").string();

  writeText(dir + "README.txt", kReadme);

  // params.json
  {
    nlohmann::json j;
    j["config"] = r.config.toJson();
    j["normalize_target_sum"] = r.hasTruth ? r.truth.normalizeTarget : 0.0;
    j["truth_cells_per_condition"] = r.hasTruth ? r.truth.cellsPerCondition : 0;
    j["rate_scale"] = d.rateScale;
    j["saturation"] = GeneNetwork::kSaturation;
    for (const auto& t : d.cellTypes)
      j["cell_types"].push_back({{"name", t.name}, {"proportion", t.proportion}, {"library_factor", t.libraryFactor}});
    for (const auto& g : d.guides)
      j["guides"].push_back({{"gene", genes[g.gene]}, {"mean_effect", g.meanEffect}});
    for (const auto& dr : d.drugs) {
      std::vector<std::string> t;
      for (int g : dr.targets) t.push_back(genes[g]);
      j["drugs"].push_back({{"name", dr.name}, {"targets", t}, {"response_module", dr.responseModule},
                            {"ec50_nM", dr.ec50}, {"hill", dr.hill}, {"emax", dr.emax}});
    }
    writeText(dir + "params.json", j.dump(2) + "\n");
  }

  // genes.csv
  {
    std::string s = "gene,module,role,basal_log_rate,nb_size,state_loading,control_expected_count\n";
    for (int g = 0; g < n; ++g)
      s += fmt::format("{},{},{},{},{},{},{}\n", genes[g], net.modules()[g], toString(net.roles()[g]),
                       num(net.basal()[g]), num(d.nbSize[g]), num(d.stateLoading[g]),
                       r.hasTruth ? num(r.truth.expectedCounts(0, g)) : std::string());
    writeText(dir + "genes.csv", s);
  }

  // network_edges.csv
  {
    std::string s = "source,target,weight,sign,feedback\n";
    for (const auto& e : net.edges())
      s += fmt::format("{},{},{},{},{}\n", genes[e.source], genes[e.target], num(e.weight), e.weight > 0 ? 1 : -1,
                       e.feedback ? 1 : 0);
    writeText(dir + "network_edges.csv", s);
  }

  // gene_graph.safetensors
  {
    SafetensorsFile f;
    RawTensor adj;
    adj.dtype = DType::U8;
    adj.shape = {n, n};
    adj.data.assign(static_cast<std::size_t>(n) * n, 0);
    for (int g = 0; g < n; ++g) adj.data[static_cast<std::size_t>(g) * n + g] = 1;
    for (const auto& e : net.edges()) {
      adj.data[static_cast<std::size_t>(e.source) * n + e.target] = 1;
      adj.data[static_cast<std::size_t>(e.target) * n + e.source] = 1;
    }
    std::vector<int> sorted(n);
    std::iota(sorted.begin(), sorted.end(), 0);
    std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return genes[a] < genes[b]; });
    const int pad = 4, T = n + pad;
    RawTensor mask;
    mask.dtype = DType::U8;
    mask.shape = {T, T};
    mask.data.assign(static_cast<std::size_t>(T) * T, 1);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        mask.data[static_cast<std::size_t>(i + pad) * T + (j + pad)] =
            adj.data[static_cast<std::size_t>(sorted[i]) * n + sorted[j]] ? 0 : 1;
    for (int i = 0; i < pad; ++i) mask.data[static_cast<std::size_t>(i) * T + i] = 0;
    std::vector<std::string> order;
    for (int g : sorted) order.push_back(genes[g]);
    f.tensors["adjacency"] = std::move(adj);
    f.tensors["mask"] = std::move(mask);
    f.metadata["genes"] = nlohmann::json(genes).dump();
    f.metadata["gene_order"] = nlohmann::json(order).dump();
    f.metadata["pad_tokens"] = std::to_string(pad);
    f.metadata["source"] = "scdfm simulate: true regulatory network, undirected";
    f.metadata["convention"] = "adjacency: 1 = edge; mask: 1 = attention blocked (PyTorch bool attn_mask)";
    writeSafetensors(dir + "gene_graph.safetensors", f);
  }

  // conditions.csv
  {
    std::string s = "condition,key,perturbation_type,targets,dose,n_cells,guide_mean_effect\n";
    for (const auto& c : d.conditions) {
      std::vector<std::string> eff;
      for (int gi : c.guides) eff.push_back(num(d.guides[gi].meanEffect));
      s += fmt::format("{},{},{},{},{},{},{}\n", c.label, c.key, toString(c.kind), targetsOf(r, c), doseText(c),
                       c.cells, join(eff, "+"));
    }
    writeText(dir + "conditions.csv", s);
  }

  // drugs.csv
  {
    std::string s = "drug,targets,response_module,n_response_genes,ec50_nM,hill,emax\n";
    for (const auto& dr : d.drugs) {
      std::vector<std::string> t;
      for (int g : dr.targets) t.push_back(genes[g]);
      s += fmt::format("{},{},{},{},{},{},{}\n", dr.name, join(t, "+"), dr.responseModule, dr.responseGenes.size(),
                       num(dr.ec50), num(dr.hill), num(dr.emax));
    }
    writeText(dir + "drugs.csv", s);
  }

  if (!r.hasTruth) return;
  writeText(dir + "mean_shift_log1p.csv", conditionMatrix(r, true));
  writeText(dir + "expected_counts.csv", conditionMatrix(r, false));

  // interactions.csv
  {
    std::string s =
        "condition,key,dose,component_a,component_b,type,design_strength,masked_gene,n_neomorphic_genes,"
        "gi_score,nonadditivity,c_a,c_b,magnitude,dominance,model_fit\n";
    for (const auto& sc : r.truth.interactions) {
      const Condition& c = d.conditions[sc.condition];
      s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", c.label, c.key, doseText(c),
                       targetsOf(r, d.conditions[sc.singleA]), targetsOf(r, d.conditions[sc.singleB]),
                       toString(c.interaction.type), num(c.interaction.strength),
                       c.interaction.maskedGene >= 0 ? genes[c.interaction.maskedGene] : std::string(),
                       c.interaction.neoGenes.size(), num(sc.giScore), num(sc.nonAdditivity), num(sc.cA), num(sc.cB),
                       num(sc.magnitude), num(sc.dominance), num(sc.modelFit));
    }
    writeText(dir + "interactions.csv", s);
  }
}

}  // namespace scdfm::sim
