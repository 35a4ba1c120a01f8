#include "core/flow/PredictionExportBuilder.h"

#include <filesystem>

#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

std::vector<std::string> obsNames(const Dataset& ds, const std::vector<std::int64_t>& rows) {
  std::vector<std::string> names;
  names.reserve(rows.size());
  for (auto r : rows) names.push_back(ds.obs().index[static_cast<std::size_t>(r)]);
  return names;
}

}  // namespace

PredictionExport buildPredictionExport(const Predictor& predictor, const Dataset& dataset,
                                       const PredictRequest& request,
                                       const std::vector<PredictedPerturbation>& results,
                                       const PredictionExportOptions& options) {
  if (results.empty()) throw InputError("", "prediction", "there are no predicted cells to export", "Predict first");
  PredictionExport out;
  out.genes = results.front().genes;
  const auto& prep = predictor.checkpoint().preprocessing;
  const ExpressionSpace space = expressionSpace(dataset, out.genes, prep.normalizeTotal, prep.log1p);
  const std::string cellType = request.context.empty() ? "all" : request.context;
  const auto& catalog = dataset.catalog();

  if (options.controls) {
    CellBlock b;
    b.kind = ExportedCellKind::Control;
    b.condition = "ctrl";
    b.cellType = cellType;
    const auto rows = catalog.controlCells(request.context);
    b.cells = readExpression(dataset, rows, space);
    b.cellNames = obsNames(dataset, rows);
    out.blocks.push_back(std::move(b));
  }
  for (const auto& r : results) {
    if (r.genes != out.genes)
      throw InputError("", "perturbation '" + r.check.key + "'", "was predicted for other genes than the rest",
                       "Export predictions made with the same gene list together");
    CellBlock b;
    b.kind = ExportedCellKind::Predicted;
    b.condition = r.check.key;
    b.cellType = cellType;
    b.cells = r.cells;
    for (std::int64_t i = 0; i < r.cells.rows(); ++i) b.cellNames.push_back("pred-" + r.check.key + "-" + std::to_string(i));
    b.controlCells = obsNames(dataset, r.controlRows);
    b.seed = request.seed;
    out.blocks.push_back(std::move(b));
    if (!options.observed || !r.check.observedInData) continue;
    const auto rows = catalog.cellsOf(r.check.key, request.context);
    if (rows.empty()) continue;  // observed in another context only
    CellBlock o;
    o.kind = ExportedCellKind::Observed;
    o.condition = r.check.key;
    o.cellType = cellType;
    o.cells = readExpression(dataset, rows, space);
    o.cellNames = obsNames(dataset, rows);
    out.blocks.push_back(std::move(o));
  }

  auto& p = out.provenance;
  p.checkpoint = std::filesystem::path(predictor.sourcePath()).filename().string();
  p.dataFile = std::filesystem::path(dataset.path()).filename().string();
  p.context = request.context;
  p.cells = request.cells;
  p.solver = toString(request.method);
  p.timePoints = request.timePoints;
  p.seed = request.seed;
  for (const auto& r : results)
    if (!r.check.notes.empty()) p.notes[r.check.key] = r.check.notes;
  return out;
}

}  // namespace scdfm
