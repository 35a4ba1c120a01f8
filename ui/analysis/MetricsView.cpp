#include "ui/analysis/MetricsView.h"

#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

#include "core/io/CsvWriter.h"
#include "ui/analysis/MetricsTableModel.h"
#include "ui/analysis/PlotExport.h"

namespace scdfm::ui {

MetricsView::MetricsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  model_ = new MetricsTableModel(this);
  table_ = new QTableView(this);
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(false);  // the red rows must stand out
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_, &QWidget::customContextMenuRequested, this, &MetricsView::showContextMenu);
  layout->addWidget(table_, 1);
  showMessage(tr("No metrics yet."));
}

void MetricsView::setRuns(const std::string& perturbation, const MethodRuns& runs) {
  perturbation_ = perturbation;
  model_->setRuns(runs);
  table_->show();
  const auto& cmp = model_->comparison();
  const int beaten = model_->rowsBeaten();
  int ranked = 0;
  for (const auto& r : cmp.rows) ranked += r.ranked();
  QString text;
  if (cmp.modelColumn < 0) {
    text = tr("No scDFM results among the methods: only baselines are shown.");
  } else if (beaten > 0) {
    text = tr("<b>A baseline beats scDFM on %1 of %2 metrics</b> (red rows; hover a row to see which baseline "
              "and by how much). Bold = best method per metric; values are mean ± sd over sampling seeds.")
               .arg(beaten)
               .arg(ranked);
    summary_->setStyleSheet("QLabel { background: #ffe0e0; padding: 4px; }");
  } else {
    text = tr("scDFM is at least as good as every baseline on all %1 metrics. Bold = best method per metric; "
              "values are mean ± sd over sampling seeds.")
               .arg(ranked);
    summary_->setStyleSheet("QLabel { background: #e6f4e6; padding: 4px; }");
  }
  summary_->setText(tr("%1 — %2").arg(QString::fromStdString(perturbation), text));
}

void MetricsView::showMessage(const QString& text) {
  model_->setRuns({});
  table_->hide();
  summary_->setStyleSheet("QLabel { padding: 4px; }");
  summary_->setText(text);
}

QString MetricsView::summary() const { return summary_->text(); }

QString MetricsView::exportTo(const QString& path) const {
  const auto& cmp = model_->comparison();
  std::vector<std::string> rows, cols;
  for (const auto& m : cmp.methods)
    for (const char* what : {" mean", " sd", " n"}) cols.push_back(m + what);
  std::vector<double> values;
  for (const auto& r : cmp.rows) {
    rows.push_back(r.metricId);
    for (const auto& s : r.spread) {
      values.push_back(s.mean);
      values.push_back(s.sd);
      values.push_back(s.n);
    }
  }
  try {
    writeLabelledMatrixCsv(path.toStdString(), "metric", rows, cols, values);
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

void MetricsView::showContextMenu(const QPoint& pos) {
  QMenu menu(this);
  menu.addAction(tr("Export table as CSV…"), this, [this] {
    exportCsvInteractively(this, QString::fromStdString(perturbation_) + "_metrics",
                           [this](const QString& path) { return exportTo(path); });
  });
  menu.exec(table_->viewport()->mapToGlobal(pos));
}

}  // namespace scdfm::ui
