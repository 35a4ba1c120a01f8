#include "ui/PredictionFiles.h"

#include "core/data/Dataset.h"
#include "core/flow/OdeMethod.h"
#include "core/flow/PredictionExportBuilder.h"
#include "core/util/Error.h"
#include "ui/PredictionSession.h"

namespace scdfm::ui {
namespace {

RowMatrixF embeddingRows(const RowMatrixF& embedding, const std::vector<std::int64_t>& rows) {
  RowMatrixF out(static_cast<Eigen::Index>(rows.size()), 2);
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = embedding.row(rows[i]).head(2);
  return out;
}

}  // namespace

PredictionExport exportOfRecords(const Dataset& dataset, const Predictor& predictor,
                                 const std::vector<const PredictionRecord*>& records, const RowMatrixF* embedding) {
  if (records.empty()) throw InputError("", "predictions", "there are no predictions to export", "Predict first");
  const PredictionSettings& s = records.front()->settings;
  PredictRequest request;
  request.context = s.context.toStdString();
  request.cells = s.cells;
  request.method = parseOdeMethod(s.solver.toStdString());
  request.timePoints = s.timePoints;
  request.seed = s.seed;
  std::vector<PredictedPerturbation> results;
  for (const auto* r : records) {
    request.perturbations.push_back(r->result.check.key);
    results.push_back(r->result);
  }
  PredictionExport out = buildPredictionExport(predictor, dataset, request, results);
  // Coordinates: the data's own cells from the embedding, predicted cells as placed in it.
  if (!embedding || embedding->cols() < 2) return out;
  const auto& catalog = dataset.catalog();
  std::size_t next = 0;
  for (auto& b : out.blocks) {
    switch (b.kind) {
      case ExportedCellKind::Control: b.umap = embeddingRows(*embedding, catalog.controlCells(request.context)); break;
      case ExportedCellKind::Observed: b.umap = embeddingRows(*embedding, catalog.cellsOf(b.condition, request.context)); break;
      case ExportedCellKind::Predicted:
        if (next < records.size() && records[next]->umap) b.umap = *records[next]->umap;
        ++next;
        break;
    }
    if (b.umap.rows() != b.cells.rows()) b.umap.resize(0, 0);
  }
  return out;
}

void writePredictionFile(const QString& path, PredictionFileKind kind, const PredictionExport& prediction) {
  ExportSelection selection;
  selection.umap = true;
  for (const auto& b : prediction.blocks)
    if (b.umap.rows() == 0) selection.umap = false;
  const std::string file = path.toStdString();
  switch (kind) {
    case PredictionFileKind::H5ad: writePredictionH5ad(file, prediction, selection); break;
    case PredictionFileKind::CellsCsv: writePredictionCellsCsv(file, prediction, selection); break;
    case PredictionFileKind::SummaryCsv: writePredictionSummaryCsv(file, prediction); break;
  }
}

}  // namespace scdfm::ui
