// scdfm screen DATA.h5ad --checkpoint C --genes A,B,C [--context T] [--cells 128]
//              [--solver rk4] [--time-points 20] [--seed 0] [--fit least-squares|theil-sen]
//              [--device auto] --out SCREEN.csv
//              [--processes N | --world-size N --rank R --rendezvous tcp://HOST:PORT]
// Combination screen: every single and pair of the genes predicted with core's
// CombinationScreen, one CSV row per pair with its predicted genetic-interaction
// scores beside the observed ones where the data has the pair and both singles.
#include <iomanip>
#include <iostream>

#include "app/cli/Command.h"
#include "app/cli/DistributedOptions.h"
#include "core/data/Dataset.h"
#include "core/flow/CombinationScreen.h"
#include "core/util/Error.h"

namespace scdfm::cli {
namespace {

struct ScreenOptions {
  std::string data, checkpoint, out, solver = "rk4", fit = "least-squares", device = "auto";
  std::string conditionCol, cellTypeCol;
  CombinationScreenRequest request;
  bool quiet = false;
  DistributedArgs dist;
};

int runScreen(ScreenOptions& o) {
  if (auto rc = launchLocalRanks(o.dist, "Run the same command again")) return *rc;
  DatasetOptions dopt;
  if (!o.conditionCol.empty()) dopt.roles.condition = o.conditionCol;
  if (!o.cellTypeCol.empty()) dopt.roles.cellType = o.cellTypeCol;
  Dataset ds(o.data, dopt);
  Predictor predictor(o.checkpoint, o.device);
  const auto group = joinGroup(o.dist, o.device);
  if (group->rank() != 0) o.quiet = true;  // every rank scores the screen; rank 0 writes it
  o.request.group = group.get();
  o.request.method = parseOdeMethod(o.solver);
  o.request.gi.estimator = parseGiEstimator(o.fit);
  if (o.request.timePoints < 2) throw InputError("", "--time-points", "must be at least 2");
  const auto n = o.request.genes.size();
  if (!o.quiet)
    std::cout << "screening " << n << " genes: " << n << " singles and " << n * (n - 1) / 2 << " pairs\n";
  auto result = runCombinationScreen(predictor, ds, o.request, [&](const ScreenPair& p) {
    if (o.quiet) return;
    std::cout << std::left << std::setw(24) << p.key << " predicted " << std::setw(12) << toString(p.predicted.type)
              << " score " << std::showpos << std::fixed << std::setprecision(3) << p.predicted.score
              << std::noshowpos;
    if (p.observed)
      std::cout << " | observed " << toString(p.observed->type) << " score " << std::showpos << p.observed->score
                << std::noshowpos;
    std::cout << std::defaultfloat << "\n";
  });
  if (group->rank() == 0) writeCombinationScreenCsv(o.out, result);
  if (!o.quiet) std::cout << "wrote " << o.out << " (" << result.pairs.size() << " pairs)\n";
  group->finish();
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "screen",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<ScreenOptions>();
      sub.add_option("data", o->data, "Dataset .h5ad with control cells of the context")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--checkpoint,-c", o->checkpoint, "Model checkpoint (.safetensors from scdfm import / train)")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--genes,-g", o->request.genes, "Genes to screen, comma-separated (2 to 30)")
          ->required()
          ->delimiter(',');
      sub.add_option("--context", o->request.context, "Cell type whose control cells are used (default: all)");
      sub.add_option("--cells,-n", o->request.cells, "Cells generated per perturbation")->capture_default_str();
      sub.add_option("--solver", o->solver, "ODE solver: rk4 (3/8 rule), midpoint, euler")->capture_default_str();
      sub.add_option("--time-points", o->request.timePoints, "Points of the fixed time grid on [0, 1]")
          ->capture_default_str();
      sub.add_option("--seed", o->request.seed, "Random seed (control draw and noise)")->capture_default_str();
      sub.add_option("--fit", o->fit,
                     "Fit of d_AB ~ c1 d_A + c2 d_B: least-squares, or theil-sen (GEARS's robust fit)")
          ->capture_default_str();
      sub.add_option("--device", o->device, "auto, cpu, cuda, cuda:N")->capture_default_str();
      sub.add_option("--chunk", o->request.chunkSize, "Cells integrated together, for memory (0 = automatic: 32 on a CPU, 128 on a GPU)")
          ->capture_default_str();
      sub.add_option("--condition-col", o->conditionCol, "obs column with condition labels (default: detected)");
      sub.add_option("--cell-type-col", o->cellTypeCol, "obs column with the cell type (default: detected)");
      sub.add_option("--out,-o", o->out, "Output CSV, one row per pair")->required();
      sub.add_flag("--quiet,-q", o->quiet, "Print nothing on success");
      addDistributedOptions(sub, o->dist);
      sub.footer(
          "Scores (Norman et al. 2019 / GEARS): fit d_AB ~ c1 d_A + c2 d_B over genes (mean changes vs control);\n"
          "magnitude = sqrt(c1^2 + c2^2) (additive = sqrt(2)); score = log2(magnitude / sqrt(2)) (>0 synergy,\n"
          "<0 buffering); additive_departure = |d_AB - (d_A + d_B)| / |d_A + d_B|; r2 of the fit; type:\n"
          "additive (departure <= 0.2), neomorphic (r2 < 0.5), dominant-A/B (|c| ratio >= 3),\n"
          "synergy / buffering (|score| > 0.2).");
      return [o] { return runScreen(*o); };
    },
    "Predict every single and pair of some genes and score their genetic interactions"}};

}  // namespace
}  // namespace scdfm::cli
