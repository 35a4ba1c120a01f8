// scdfm predict DATA.h5ad --checkpoint C --perturbation 'A+B' [--perturbation ...] [--context T]
//               [--cells 128] [--solver rk4] [--time-points 20] [--seed 0] [--device auto]
//               --out PRED.h5ad [--csv PRED.csv] [--with-controls]
// Generates cells for each perturbation from control cells of one context,
// with the authors' sampling (spec §4), through core's Predictor.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/cli/Command.h"
#include "core/data/Dataset.h"
#include "core/flow/Predictor.h"
#include "core/io/H5adWriter.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm::cli {
namespace {

struct PredictOptions {
  std::string data, checkpoint, out, csv, solver = "rk4", device = "auto";
  std::string conditionCol, cellTypeCol;
  std::vector<std::string> perturbations, genes;
  PredictRequest request;
  bool withControls = false, quiet = false;
};

// A categorical obs column from per-row labels (categories in first-seen order).
Column categorical(const std::string& name, const std::vector<std::string>& values) {
  Column c;
  c.name = name;
  c.kind = Column::Kind::Categorical;
  c.encoding = "categorical";
  std::map<std::string, std::int32_t> codes;
  for (const auto& v : values) {
    auto [it, inserted] = codes.emplace(v, static_cast<std::int32_t>(c.categories.size()));
    if (inserted) c.categories.push_back(v);
    c.codes.push_back(it->second);
  }
  return c;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

int runPredict(PredictOptions& o) {
  DatasetOptions dopt;
  if (!o.conditionCol.empty()) dopt.roles.condition = o.conditionCol;
  if (!o.cellTypeCol.empty()) dopt.roles.cellType = o.cellTypeCol;
  Dataset ds(o.data, dopt);
  Predictor predictor(o.checkpoint, o.device);
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
  std::vector<std::string> condition, cellType, kind, index, controlCell;
  RowMatrixF X;
  std::vector<std::string> genes;
  auto results = predictor.predict(
      ds, o.request,
      [&](const PredictedPerturbation& r) {
        if (o.quiet) return;
        std::cout << r.check.key << ": " << r.cells.rows() << " cells in " << r.seconds << " s"
                  << (r.check.observedInData ? " (observed in the data)" : " (not in the data)") << "\n";
        for (const auto& n : r.check.notes) std::cout << "  note: " << n << "\n";
      },
      progress);
  genes = results.front().genes;
  std::vector<std::int64_t> cols;
  for (const auto& g : genes) cols.push_back(*ds.findGene(g));
  std::int64_t rows = 0;
  for (const auto& r : results) rows += r.cells.rows();
  std::vector<std::int64_t> controlRows;
  if (o.withControls) controlRows = ds.catalog().controlCells(o.request.context);
  X.resize(rows + static_cast<std::int64_t>(controlRows.size()), static_cast<std::int64_t>(genes.size()));
  std::int64_t at = 0;
  const std::string context = o.request.context.empty() ? "all" : o.request.context;
  if (!controlRows.empty()) {
    RowMatrixF c = ds.expression(controlRows).toDense();
    const auto& prep = predictor.checkpoint().preprocessing;
    if (prep.normalizeTotal > 0 || prep.log1p)
      std::cerr << "warning: --with-controls writes the control cells as stored in the data file\n";
    for (std::size_t i = 0; i < controlRows.size(); ++i, ++at) {
      for (std::size_t j = 0; j < cols.size(); ++j) X(at, static_cast<std::int64_t>(j)) = c(static_cast<std::int64_t>(i), cols[j]);
      condition.push_back("control");
      cellType.push_back(context);
      kind.push_back("control");
      index.push_back(ds.obs().index[static_cast<std::size_t>(controlRows[i])]);
      controlCell.push_back(index.back());
    }
  }
  for (const auto& r : results) {
    X.middleRows(at, r.cells.rows()) = r.cells;
    for (std::int64_t i = 0; i < r.cells.rows(); ++i, ++at) {
      condition.push_back(r.check.key);
      cellType.push_back(context);
      kind.push_back("predicted");
      index.push_back("pred-" + r.check.key + "-" + std::to_string(i));
      controlCell.push_back(ds.obs().index[static_cast<std::size_t>(r.controlRows[static_cast<std::size_t>(i)])]);
    }
  }
  AnnData out;
  ExpressionMatrix m;
  m.encoding = MatrixEncoding::Dense;
  m.sparse = false;
  m.dense = X;
  m.fileDtype = "float32";
  out.X = std::move(m);
  out.obs.index = index;
  out.obs.columns.push_back(categorical("condition", condition));
  out.obs.columns.push_back(categorical("cell_type", cellType));
  out.obs.columns.push_back(categorical("kind", kind));
  Column cc;
  cc.name = "control_cell";
  cc.kind = Column::Kind::String;
  cc.encoding = "string-array";
  cc.strings = controlCell;
  out.obs.columns.push_back(cc);
  out.var.index = genes;
  nlohmann::json notes = nlohmann::json::object();
  for (const auto& r : results)
    if (!r.check.notes.empty()) notes[r.check.key] = r.check.notes;
  out.uns["scdfm_prediction"] = {{"checkpoint", std::filesystem::path(o.checkpoint).filename().string()},
                                 {"data", std::filesystem::path(o.data).filename().string()},
                                 {"context", o.request.context},
                                 {"cells", o.request.cells},
                                 {"solver", o.solver},
                                 {"time_points", o.request.timePoints},
                                 {"seed", o.request.seed},
                                 {"notes", notes}};
  writeH5ad(o.out, out);
  if (!o.csv.empty()) {
    writeFileAtomically(o.csv, [&](const std::string& tmp) {
      std::ofstream f(tmp);
      if (!f) throw InputError(tmp, "", "cannot create the file", "Check that the folder is writable");
      f << "cell,condition,cell_type,kind";
      for (const auto& g : genes) f << "," << csvField(g);
      f << "\n";
      for (std::int64_t i = 0; i < X.rows(); ++i) {
        const auto u = static_cast<std::size_t>(i);
        f << csvField(index[u]) << "," << csvField(condition[u]) << "," << csvField(cellType[u]) << "," << kind[u];
        for (std::int64_t j = 0; j < X.cols(); ++j) f << "," << X(i, j);
        f << "\n";
      }
      if (!f) throw InputError(tmp, "", "writing failed", "Check free disk space");
    });
  }
  if (!o.quiet)
    std::cout << "wrote " << o.out << " (" << X.rows() << " cells x " << X.cols() << " genes)"
              << (o.csv.empty() ? "" : " and " + o.csv) << "\n";
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
      sub.add_option("--chunk", o->request.chunkSize, "Cells integrated together (memory)")->capture_default_str();
      sub.add_option("--condition-col", o->conditionCol, "obs column with condition labels (default: detected)");
      sub.add_option("--cell-type-col", o->cellTypeCol, "obs column with the cell type (default: detected)");
      sub.add_option("--out,-o", o->out, "Output .h5ad of the generated cells (obs: condition, cell_type, kind)")
          ->required();
      sub.add_option("--csv", o->csv, "Also write the cells as CSV (one row per cell)");
      sub.add_flag("--with-controls", o->withControls, "Also write the context's real control cells (kind=control)");
      sub.add_flag("--quiet,-q", o->quiet, "Print nothing on success");
      return [o] { return runPredict(*o); };
    },
    "Predict perturbed cells with an scDFM checkpoint"}};

}  // namespace
}  // namespace scdfm::cli
