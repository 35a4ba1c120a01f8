// scdfm simulate: writes a simulated Perturb-seq dataset with known ground
// truth (core/sim). The build runs it for the demo and tiny datasets.
#include <chrono>
#include <cmath>
#include <iostream>
#include <filesystem>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "app/cli/Command.h"
#include "core/io/H5adWriter.h"
#include "core/sim/GroundTruthWriter.h"
#include "core/sim/PerturbSeqSimulator.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm::cli {
namespace {

struct SimulateArgs {
  std::string preset = "demo";
  std::uint64_t seed = 1;
  std::string out;
  std::optional<int> genes, cellsPerCondition, controlCells, singles, combos, drugs, drugCombos, cellTypes,
      truthCells;
  std::optional<double> librarySize;
  std::string doses, modality;
  bool noTruth = false, compress = false, quiet = false;
};

std::vector<double> parseDoses(const std::string& text) {
  std::vector<double> doses;
  for (const auto& part : split(text, ',')) {
    const std::string t = trim(part);
    if (t.empty()) continue;
    try {
      std::size_t used = 0;
      const double d = std::stod(t, &used);
      if (used != t.size()) throw std::invalid_argument(t);
      doses.push_back(d);
    } catch (const std::exception&) {
      throw InputError("", "--doses", "'" + t + "' is not a number", "give doses in nM separated by commas, e.g. 10,100,1000");
    }
  }
  return doses;
}

sim::SimulationConfig makeConfig(const SimulateArgs& a) {
  sim::SimulationConfig c = sim::SimulationConfig::fromPreset(a.preset);
  c.seed = a.seed;
  if (a.genes) {
    // Keep the preset's depth and sparsity per gene, and its share of perturbed genes.
    c.medianLibrarySize *= static_cast<double>(*a.genes) / c.genes;
    c.genes = *a.genes;
    if (!a.singles) c.singles = std::min(c.singles, c.genes / 4);
    if (!a.combos) c.combos = std::min(c.combos, c.singles * (c.singles - 1) / 2);
  }
  if (a.librarySize) c.medianLibrarySize = *a.librarySize;
  if (a.cellsPerCondition) c.cellsPerCondition = *a.cellsPerCondition;
  if (a.controlCells) c.controlCells = *a.controlCells;
  if (a.singles) c.singles = *a.singles;
  if (a.combos) c.combos = *a.combos;
  if (a.drugs) {
    c.drugs = *a.drugs;
    if (!a.drugCombos) c.drugCombos = std::min(c.drugCombos, c.drugs * (c.drugs - 1) / 2);
  }
  if (a.drugCombos) c.drugCombos = *a.drugCombos;
  if (a.cellTypes) c.cellTypes = *a.cellTypes;
  if (a.truthCells) c.truthCellsPerCondition = *a.truthCells;
  if (!a.doses.empty()) c.doses = parseDoses(a.doses);
  if (!a.modality.empty()) {
    const std::string m = toLower(a.modality);
    if (m == "crispri") c.modality = sim::Modality::CrisprI;
    else if (m == "crispra") c.modality = sim::Modality::CrisprA;
    else throw InputError("", "--modality", "unknown modality '" + a.modality + "'", "use crispri or crispra");
  }
  return c;
}

int runSimulate(const SimulateArgs& a) {
  if (a.out.empty()) throw InputError("", "--out", "no output file given", "pass --out FILE.h5ad");
  const sim::SimulationConfig config = makeConfig(a);
  const auto start = std::chrono::steady_clock::now();
  std::mutex printMutex;
  int lastPercent = -1;
  std::string lastStage;
  Progress progress([&](const ProgressInfo& p) {
    if (a.quiet) return;
    std::lock_guard<std::mutex> lock(printMutex);
    const int percent = static_cast<int>(std::floor(p.fraction * 100));
    if (p.stage == lastStage && percent < lastPercent + 10 && percent != 100) return;
    lastPercent = percent;
    lastStage = p.stage;
    if (p.steps > 0) std::cerr << fmt::format("[{:3d}%] {} {}/{}\n", percent, p.stage, p.step, p.steps);
    else std::cerr << fmt::format("[{:3d}%] {}\n", percent, p.stage);
  });

  const std::string truthDir = sim::truthFolderFor(a.out);
  sim::SimulateOptions options;
  options.groundTruth = !a.noTruth;
  options.truthFolderName = a.noTruth ? std::string() : std::filesystem::path(truthDir).filename().string();
  auto result = sim::simulatePerturbSeq(config, options, progress, CancelToken());

  const auto& X = result->adata.X->csr;
  if (!a.quiet) std::cerr << "writing " << a.out << "\n";
  H5adWriteOptions wopts;
  wopts.compress = a.compress;
  writeH5ad(a.out, result->adata, wopts);
  sim::writeGroundTruth(*result, truthDir);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double sparsity = 1.0 - static_cast<double>(X.nonZeros()) / (static_cast<double>(X.rows()) * X.cols());
  std::cout << fmt::format(
      "simulated {} cells x {} genes ({} conditions, {} cell types, seed {}) in {:.1f} s\n"
      "  sparsity {:.1f}%, median UMIs/cell {:.0f}\n"
      "  data:  {}\n  truth: {}\n",
      X.rows(), X.cols(), result->design.conditions.size(), result->design.cellTypes.size(), config.seed, seconds,
      100 * sparsity, result->adata.uns["simulation"]["normalize_target_sum"].get<double>(), a.out, truthDir);
  return kOk;
}

CommandRegistration registration{CommandSpec{
    "simulate",
    [](CLI::App& sub) -> std::function<int()> {
      auto args = std::make_shared<SimulateArgs>();
      sub.add_option("--preset", args->preset, "demo (1,000 genes, ~29k cells) or tiny (100 genes, 1,500 cells)")
          ->capture_default_str();
      sub.add_option("--seed", args->seed, "Random seed: one seed gives one dataset")->capture_default_str();
      sub.add_option("--out,-o", args->out, "Output .h5ad; the ground truth goes to <stem>.truth/")->required();
      sub.add_option("--genes", args->genes, "Number of genes (50-5000); library size scales with it");
      sub.add_option("--cells-per-condition", args->cellsPerCondition, "Cells per perturbation (and per drug dose)");
      sub.add_option("--control-cells", args->controlCells, "Number of control cells");
      sub.add_option("--singles", args->singles, "Single-gene perturbations");
      sub.add_option("--combos", args->combos, "Two-gene combinations (with known interaction types)");
      sub.add_option("--drugs", args->drugs, "Number of drugs");
      sub.add_option("--doses", args->doses, "Drug doses in nM, comma-separated (e.g. 10,100,1000)");
      sub.add_option("--drug-combos", args->drugCombos, "Drug pairs (at the middle dose)");
      sub.add_option("--cell-types", args->cellTypes, "Number of cell types (1-8)");
      sub.add_option("--modality", args->modality, "crispri (knockdown, default) or crispra (activation)");
      sub.add_option("--library-size", args->librarySize, "Median UMIs per cell");
      sub.add_option("--truth-cells", args->truthCells, "Monte-Carlo cells per condition for the ground truth");
      sub.add_flag("--no-truth", args->noTruth, "Skip the ground-truth estimate (network and design still written)");
      sub.add_flag("--compress", args->compress, "gzip-compress the .h5ad");
      sub.add_flag("--quiet,-q", args->quiet, "No progress output");
      return [args] { return runSimulate(*args); };
    },
    "Simulate a Perturb-seq dataset (gene knockdowns, combinations, drugs) with known ground truth"}};

}  // namespace
}  // namespace scdfm::cli
