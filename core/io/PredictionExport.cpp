#include "core/io/PredictionExport.h"

#include <cmath>
#include <limits>

#include "core/io/CsvWriter.h"
#include "core/io/H5adWriter.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool selected(const CellBlock& b, const ExportSelection& s) {
  switch (b.kind) {
    case ExportedCellKind::Predicted:
      return true;
    case ExportedCellKind::Control:
      return s.controls;
    case ExportedCellKind::Observed:
      return s.observed;
  }
  return false;
}

std::string blockLabel(const CellBlock& b) {
  return std::string(toString(b.kind)) + " cells of '" + b.condition + "' (" + b.cellType + ")";
}

// The blocks a cell-level file holds, each checked against the genes.
std::vector<const CellBlock*> selectedBlocks(const PredictionExport& p, const ExportSelection& s) {
  const auto nGenes = static_cast<std::int64_t>(p.genes.size());
  std::vector<const CellBlock*> out;
  for (const auto& b : p.blocks) {
    if (!selected(b, s)) continue;
    const auto n = static_cast<std::size_t>(b.cells.rows());
    if (b.cells.cols() != nGenes)
      throw InputError("", blockLabel(b),
                       std::to_string(b.cells.cols()) + " expression columns for " + std::to_string(nGenes) + " genes",
                       "Give one column per gene name");
    if (!b.cellNames.empty() && b.cellNames.size() != n)
      throw InputError("", blockLabel(b), std::to_string(b.cellNames.size()) + " cell names for " +
                                              std::to_string(n) + " cells");
    if (!b.controlCells.empty() && b.controlCells.size() != n)
      throw InputError("", blockLabel(b), std::to_string(b.controlCells.size()) + " control-cell names for " +
                                              std::to_string(n) + " cells");
    if (s.umap && b.umap.size() > 0 && (b.umap.rows() != b.cells.rows() || b.umap.cols() != 2))
      throw InputError("", blockLabel(b), "UMAP coordinates are " + std::to_string(b.umap.rows()) + " × " +
                                              std::to_string(b.umap.cols()) + ", expected " + std::to_string(n) +
                                              " × 2");
    out.push_back(&b);
  }
  return out;
}

bool anyUmap(const std::vector<const CellBlock*>& blocks) {
  for (const auto* b : blocks)
    if (b->umap.size() > 0) return true;
  return false;
}

std::string cellName(const CellBlock& b, std::int64_t i) {
  if (!b.cellNames.empty()) return b.cellNames[static_cast<std::size_t>(i)];
  return std::string(toString(b.kind)) + "-" + b.condition + "-" + std::to_string(i);
}

nlohmann::json provenanceJson(const PredictionProvenance& p) {
  return {{"checkpoint", p.checkpoint}, {"data", p.dataFile},       {"context", p.context},
          {"cells", p.cells},           {"solver", p.solver},       {"time_points", p.timePoints},
          {"seed", p.seed},             {"notes", p.notes}};
}

// Per-gene mean and variance (ddof = 1) over the rows of several blocks.
struct Moments {
  std::int64_t n = 0;
  Eigen::VectorXd mean, var;
};

Moments moments(const std::vector<const CellBlock*>& blocks, std::int64_t genes) {
  Moments m;
  m.mean = Eigen::VectorXd::Zero(genes);
  for (const auto* b : blocks) {
    m.n += b->cells.rows();
    m.mean += b->cells.cast<double>().colwise().sum().transpose();
  }
  if (m.n == 0) {
    m.mean.setConstant(kNaN);
    m.var = m.mean;
    return m;
  }
  m.mean /= static_cast<double>(m.n);
  // Two passes (mean first) for accuracy, as numpy's var does.
  m.var = Eigen::VectorXd::Zero(genes);
  for (const auto* b : blocks)
    m.var += (b->cells.cast<double>().rowwise() - m.mean.transpose()).array().square().matrix().colwise().sum().transpose();
  if (m.n < 2)
    m.var.setConstant(kNaN);
  else
    m.var /= static_cast<double>(m.n - 1);
  return m;
}

}  // namespace

const char* toString(ExportedCellKind kind) {
  switch (kind) {
    case ExportedCellKind::Predicted:
      return "predicted";
    case ExportedCellKind::Control:
      return "control";
    case ExportedCellKind::Observed:
      return "observed";
  }
  return "?";
}

AnnData predictionAnnData(const PredictionExport& p, const ExportSelection& s) {
  const auto blocks = selectedBlocks(p, s);
  const bool umap = s.umap && anyUmap(blocks);
  std::int64_t rows = 0;
  for (const auto* b : blocks) {
    if (umap && b->umap.size() == 0)
      throw InputError("", "obsm['X_umap']", "UMAP coordinates are missing for the " + blockLabel(*b),
                       "Embed every exported cell, or export without the UMAP");
    rows += b->cells.rows();
  }
  ExpressionMatrix X;
  X.encoding = MatrixEncoding::Dense;
  X.sparse = false;
  X.fileDtype = "float32";
  X.dense.resize(rows, static_cast<std::int64_t>(p.genes.size()));
  RowMatrixF coords(umap ? rows : 0, 2);
  std::vector<std::string> index, condition, cellType, kind, controlCell;
  Column seed;
  seed.name = "seed";
  seed.kind = Column::Kind::Int;
  seed.encoding = "nullable-integer";  // missing for real (control / observed) cells
  std::int64_t at = 0;
  for (const auto* b : blocks) {
    const auto n = b->cells.rows();
    X.dense.middleRows(at, n) = b->cells;
    if (umap) coords.middleRows(at, n) = b->umap;
    for (std::int64_t i = 0; i < n; ++i) {
      index.push_back(cellName(*b, i));
      condition.push_back(b->condition);
      cellType.push_back(b->cellType);
      kind.push_back(toString(b->kind));
      // Real cells are their own source; predicted cells name the control they started from.
      controlCell.push_back(!b->controlCells.empty() ? b->controlCells[static_cast<std::size_t>(i)]
                            : b->kind == ExportedCellKind::Control ? index.back()
                                                                   : std::string());
      seed.ints.push_back(b->seed ? static_cast<std::int64_t>(*b->seed) : 0);
      seed.mask.push_back(b->seed ? 0 : 1);
    }
    at += n;
  }
  AnnData out;
  out.X = std::move(X);
  out.obs.index = std::move(index);
  out.obs.columns.push_back(categoricalColumn("condition", condition));
  out.obs.columns.push_back(categoricalColumn("cell_type", cellType));
  out.obs.columns.push_back(categoricalColumn("kind", kind));
  Column cc;
  cc.name = "control_cell";
  cc.kind = Column::Kind::String;
  cc.encoding = "string-array";
  cc.strings = std::move(controlCell);
  out.obs.columns.push_back(std::move(cc));
  out.obs.columns.push_back(std::move(seed));
  out.var.index = p.genes;
  if (umap) out.obsm["X_umap"] = std::move(coords);
  out.uns["scdfm_prediction"] = provenanceJson(p.provenance);
  return out;
}

void writePredictionH5ad(const std::string& path, const PredictionExport& p, const ExportSelection& s) {
  writeH5ad(path, predictionAnnData(p, s));
}

void writePredictionCellsCsv(const std::string& path, const PredictionExport& p, const ExportSelection& s) {
  const auto blocks = selectedBlocks(p, s);
  writeCsvFile(path, [&](CsvWriter& csv) {
    csv.field("cell").field("condition").field("cell_type").field("kind");
    for (const auto& g : p.genes) csv.field(g);
    csv.endRow();
    for (const auto* b : blocks)
      for (std::int64_t i = 0; i < b->cells.rows(); ++i) {
        csv.field(cellName(*b, i)).field(b->condition).field(b->cellType).field(toString(b->kind));
        for (std::int64_t j = 0; j < b->cells.cols(); ++j) csv.number(b->cells(i, j));
        csv.endRow();
      }
  });
}

std::vector<PerturbationGeneSummary> summarizePrediction(const PredictionExport& p) {
  ExportSelection all;
  all.umap = false;
  const auto blocks = selectedBlocks(p, all);
  const auto genes = static_cast<std::int64_t>(p.genes.size());
  std::vector<PerturbationGeneSummary> out;
  for (const auto* b : blocks) {
    if (b->kind != ExportedCellKind::Predicted) continue;
    std::vector<const CellBlock*> control, observed;
    for (const auto* o : blocks) {
      if (o->cellType != b->cellType) continue;
      if (o->kind == ExportedCellKind::Control) control.push_back(o);
      if (o->kind == ExportedCellKind::Observed && o->condition == b->condition) observed.push_back(o);
    }
    if (control.empty())
      throw InputError("", "summary of '" + b->condition + "'",
                       "there are no control cells of context '" + b->cellType + "' to compare with",
                       "Include the context's control cells in the export");
    PerturbationGeneSummary s;
    s.perturbation = b->condition;
    s.cellType = b->cellType;
    const Moments c = moments(control, genes), pr = moments({b}, genes);
    s.controlCells = c.n;
    s.controlMean = c.mean;
    s.controlVar = c.var;
    s.predictedCells = pr.n;
    s.predictedMean = pr.mean;
    s.predictedVar = pr.var;
    if (!observed.empty()) {
      const Moments o = moments(observed, genes);
      s.observedCells = o.n;
      s.observedMean = o.mean;
      s.observedVar = o.var;
    }
    out.push_back(std::move(s));
  }
  return out;
}

void writePredictionSummaryCsv(const std::string& path, const PredictionExport& p) {
  const auto summaries = summarizePrediction(p);
  writeCsvFile(path, [&](CsvWriter& csv) {
    for (const char* h : {"perturbation", "cell_type", "gene", "control_mean", "control_var", "observed_mean",
                          "observed_var", "predicted_mean", "predicted_var", "delta_predicted", "delta_observed"})
      csv.field(h);
    csv.endRow();
    for (const auto& s : summaries) {
      const bool obs = s.observedCells > 0;
      for (std::size_t g = 0; g < p.genes.size(); ++g) {
        const auto j = static_cast<Eigen::Index>(g);
        csv.field(s.perturbation).field(s.cellType).field(p.genes[g]);
        csv.number(s.controlMean[j]).number(s.controlVar[j]);
        csv.number(obs ? s.observedMean[j] : kNaN).number(obs ? s.observedVar[j] : kNaN);
        csv.number(s.predictedMean[j]).number(s.predictedVar[j]);
        csv.number(s.predictedMean[j] - s.controlMean[j]);
        csv.number(obs ? s.observedMean[j] - s.controlMean[j] : kNaN);
        csv.endRow();
      }
    }
  });
}

}  // namespace scdfm
