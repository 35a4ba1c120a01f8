// scdfm predict DATA.h5ad --checkpoint C --perturbation 'A+B' [--perturbation ...] [--context T]
//               [--cells 128] [--solver rk4] [--time-points 20] [--seed 0] [--device auto]
//               --out PRED.h5ad [--csv PRED.csv] [--summary-csv SUMMARY.csv]
//               [--with-controls] [--with-observed]
//               [--processes N | --world-size N --rank R --rendezvous tcp://HOST:PORT]
// Generates cells for each perturbation from control cells of one context,
// with the authors' sampling (spec §4), through core's Predictor; the files
// come from core's PredictionExport (the GUI's exports write the same).
#include <iostream>

#include "app/cli/Command.h"
#include "app/cli/DistributedOptions.h"
#include "core/data/Dataset.h"
#include "core/flow/PredictionAcrossRanks.h"
#include "core/flow/Predictor.h"
#include "core/flow/PredictionExportBuilder.h"
#include "core/io/H5adWriter.h"
#include "core/util/Error.h"

namespace scdfm::cli {
namespace {

struct PredictOptions {
  std::string data, checkpoint, out, csv, summaryCsv, solver = "rk4", device = "auto";
  std::string conditionCol, cellTypeCol;
  std::vector<std::string> perturbations, genes;
  PredictRequest request;
  bool withControls = false, withObserved = false, quiet = false;
  DistributedArgs dist;
};

int runPredict(PredictOptions& o) {
  if (auto rc = launchLocalRanks(o.dist, "Run the same command again")) return *rc;
  DatasetOptions dopt;
  if (!o.conditionCol.empty()) dopt.roles.condition = o.conditionCol;
  if (!o.cellTypeCol.empty()) dopt.roles.cellType = o.cellTypeCol;
  Dataset ds(o.data, dopt);
  Predictor predictor(o.checkpoint, o.device);
  const auto group = joinGroup(o.dist, o.device);
  if (group->rank() != 0) o.quiet = true;  // rank 0 gathers and writes
  o.request.perturbations = o.perturbations;
  o.request.genes = o.genes;
  o.request.method = parseOdeMethod(o.solver);
  if (o.request.timePoints < 2) throw InputError("", "--time-points", "must be at least 2");

  Progress progress;
  if (!o.quiet)
    progress = Progress([last = std::string()](const ProgressInfo& p) mutable {
      if (p.stage != last && p.steps > 0 && p.step == p.steps) std::cerr << "  " << p.stage << "\n";
      last = p.stage;
    });
  auto results = predictAcrossRanks(
      predictor, ds, o.request, group.get(),
      [&](const PredictedPerturbation& r) {
        if (o.quiet) return;
        std::cout << r.check.key << ": " << r.cells.rows() << " cells in " << r.seconds << " s"
                  << (r.check.observedInData ? " (observed in the data)" : " (not in the data)") << "\n";
        for (const auto& n : r.check.notes) std::cout << "  note: " << n << "\n";
      },
      progress);
  if (group->rank() != 0) {
    group->finish();
    return kOk;
  }
  // The summary compares with the context's control and observed cells even
  // when the cell files leave them out.
  const bool summary = !o.summaryCsv.empty();
  PredictionExportOptions eo;
  eo.controls = o.withControls || summary;
  eo.observed = o.withObserved || summary;
  const PredictionExport exported = buildPredictionExport(predictor, ds, o.request, results, eo);
  ExportSelection cellFiles;
  cellFiles.controls = o.withControls;
  cellFiles.observed = o.withObserved;
  const AnnData adata = predictionAnnData(exported, cellFiles);
  writeH5ad(o.out, adata);
  if (!o.csv.empty()) writePredictionCellsCsv(o.csv, exported, cellFiles);
  if (summary) writePredictionSummaryCsv(o.summaryCsv, exported);
  if (!o.quiet) {
    std::cout << "wrote " << o.out << " (" << adata.nObs() << " cells x " << adata.nVars() << " genes)";
    for (const auto* f : {&o.csv, &o.summaryCsv})
      if (!f->empty()) std::cout << ", " << *f;
    std::cout << "\n";
  }
  group->finish();
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "predict",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<PredictOptions>();
      sub.add_option("data", o->data, "Dataset .h5ad with control cells of the context")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--checkpoint,-c", o->checkpoint, "Model checkpoint (.safetensors from scdfm import / train)")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--perturbation,-p", o->perturbations,
                     "Perturbation to predict: GENE, GENE+ctrl or GENEA+GENEB (repeat for several)")
          ->required();
      sub.add_option("--context", o->request.context, "Cell type whose control cells are used (default: all)");
      sub.add_option("--cells,-n", o->request.cells, "Cells generated per perturbation (= control cells drawn)")
          ->capture_default_str();
      sub.add_option("--solver", o->solver, "ODE solver: rk4 (3/8 rule), midpoint, euler")->capture_default_str();
      sub.add_option("--time-points", o->request.timePoints,
                     "Points of the fixed time grid on [0, 1] (20 = the authors' 19 steps)")
          ->capture_default_str();
      sub.add_option("--seed", o->request.seed, "Random seed (control draw and noise)")->capture_default_str();
      sub.add_option("--device", o->device, "auto, cpu, cuda, cuda:N")->capture_default_str();
      sub.add_option("--genes", o->genes, "Genes to generate, comma-separated (default: the model's genes in the data)")
          ->delimiter(',');
      sub.add_option("--chunk", o->request.chunkSize, "Cells integrated together, for memory (0 = automatic: 32 on a CPU, 128 on a GPU)")
          ->capture_default_str();
      sub.add_option("--condition-col", o->conditionCol, "obs column with condition labels (default: detected)");
      sub.add_option("--cell-type-col", o->cellTypeCol, "obs column with the cell type (default: detected)");
      sub.add_option("--out,-o", o->out, "Output .h5ad of the generated cells (obs: condition, cell_type, kind)")
          ->required();
      sub.add_option("--csv", o->csv, "Also write the cells as CSV (one row per cell)");
      sub.add_option("--summary-csv", o->summaryCsv,
                     "Per-gene summary CSV: control/observed/predicted mean and variance, changes vs control");
      sub.add_flag("--with-controls", o->withControls,
                   "Also write the context's real control cells (kind=control), preprocessed as the model sees them");
      sub.add_flag("--with-observed", o->withObserved,
                   "Also write the observed cells of each perturbation in the context (kind=observed)");
      sub.add_flag("--quiet,-q", o->quiet, "Print nothing on success");
      addDistributedOptions(sub, o->dist);
      return [o] { return runPredict(*o); };
    },
    "Predict perturbed cells with an scDFM checkpoint"}};

}  // namespace
}  // namespace scdfm::cli
