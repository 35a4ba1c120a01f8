#include "ui/ComparisonDock.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/ComparisonSession.h"
#include "ui/analysis/ComparisonPanel.h"
#include "ui/analysis/PlotExport.h"

namespace scdfm::ui {

ComparisonDock::ComparisonDock(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* header = new QHBoxLayout;
  title_ = new QLabel(tr("<b>Compare</b>"));
  header->addWidget(title_);
  note_ = new QLabel;
  note_->setWordWrap(true);
  note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  header->addWidget(note_, 1);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(220);
  progress_->setVisible(false);
  header->addWidget(progress_);
  header->addWidget(new QLabel(tr("Seeds:")));
  seeds_ = new QSpinBox;
  seeds_->setRange(1, 10);
  seeds_->setValue(3);
  seeds_->setToolTip(tr("Sampling seeds the metrics are averaged over; their spread is shown as ± in the table"));
  header->addWidget(seeds_);
  export_ = new QPushButton(tr("Export tab…"));
  export_->setToolTip(tr("Save the current tab: plots as PNG, SVG or PDF; the metrics table as CSV"));
  export_->setEnabled(false);
  header->addWidget(export_);
  layout->addLayout(header);
  panel_ = new ComparisonPanel;
  layout->addWidget(panel_, 1);
  connect(seeds_, &QSpinBox::valueChanged, this, &ComparisonDock::seedsChanged);
  connect(export_, &QPushButton::clicked, this, &ComparisonDock::exportCurrentTab);
  setMessage(tr("Predict a perturbation (Predict panel) to compare it with the observed cells and the baselines."));
}

int ComparisonDock::seeds() const { return seeds_->value(); }
QString ComparisonDock::note() const { return note_->text(); }

void ComparisonDock::showComparison(const Comparison& c) {
  key_ = c.key;
  progress_->setVisible(false);
  title_->setText(tr("<b>%1</b>").arg(c.key.toHtmlEscaped()));
  note_->setText(c.note);
  panel_->setInput(c.input, c.results);
  export_->setEnabled(true);
}

void ComparisonDock::setBusy(const QString& key, double fraction, const QString& stage) {
  progress_->setVisible(!key.isEmpty());
  progress_->setValue(static_cast<int>(fraction * 1000));
  progress_->setFormat(stage.isEmpty() ? QStringLiteral("%p%") : stage);
  if (!key.isEmpty()) title_->setText(tr("<b>%1</b> (comparing…)").arg(key.toHtmlEscaped()));
}

void ComparisonDock::setMessage(const QString& text) {
  progress_->setVisible(false);
  note_->setText(text);
}

void ComparisonDock::exportCurrentTab() {
  const bool table = panel_->currentIndex() == ComparisonPanel::MetricsTab;
  const QString base = QString(key_).replace('+', '_') + "_" + panel_->tabText(panel_->currentIndex()).replace(' ', '_');
  QString selected;
  QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(panel_->tabText(panel_->currentIndex())),
                                              base + (table ? ".csv" : ".png"),
                                              table ? tr("CSV table (*.csv)") : figureFileFilter(), &selected);
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += table ? ".csv" : ".png";
  const QString error = panel_->exportCurrentTo(path);
  if (!error.isEmpty())
    QMessageBox::warning(this, tr("Could not export"), error + "\n\n" + tr("What to do: choose another folder or name."));
}

}  // namespace scdfm::ui
