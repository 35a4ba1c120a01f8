#include "ui/analysis/AttentionMapView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <algorithm>
#include <qcustomplot.h>

#include "core/util/Error.h"
#include "ui/analysis/AnalysisStyle.h"
#include "ui/analysis/GeneLookup.h"

namespace scdfm::ui {
namespace {
QComboBox* addCombo(QHBoxLayout* row, QWidget* parent, const QString& label, const QString& tip) {
  auto* l = new QLabel(label, parent);
  auto* box = new QComboBox(parent);
  box->setToolTip(tip);
  l->setToolTip(tip);
  row->addWidget(l);
  row->addWidget(box);
  return box;
}

QString partLabel(const std::string& part) {
  if (part == "diff_self_attn") return QObject::tr("gene ↔ gene (diff_self_attn)");
  if (part == "diff_cross_attn") return QObject::tr("gene ↔ gene with control cell (diff_cross_attn)");
  return QString::fromStdString(part);
}
}  // namespace

AttentionMapView::AttentionMapView(QWidget* parent) : HeatmapFigure(parent) {
  auto* row = controlsRow();
  blockBox_ = addCombo(row, this, tr("Block:"), tr("PAD-Transformer block (layer) the maps come from"));
  partBox_ = addCombo(row, this, tr("Part:"),
                      tr("diff_self_attn: the genes of the state being generated attend to each other (both softmaxes); "
                         "diff_cross_attn: softmax 1 over the state's genes, softmax 2 over the control cell's "
                         "genes (queries and keys from the control embedding)"));
  headBox_ = addCombo(row, this, tr("Head:"), tr("One attention head, or the mean over all heads"));
  kindBox_ = addCombo(row, this, tr("Map:"),
                      tr("Differential attention applies softmax 1 − λ·softmax 2; each softmax alone is a "
                         "probability over key genes"));
  for (auto kind : {AttentionKind::Difference, AttentionKind::Softmax1, AttentionKind::Softmax2})
    kindBox_->addItem(QString::fromUtf8(toString(kind)), static_cast<int>(kind));
  cellBox_ = addCombo(row, this, tr("Cell:"), tr("Generated cell whose maps are shown, or their mean"));
  row->addStretch(1);

  auto* subsetRowWidget = new QWidget(this);
  auto* subsetRow = new QHBoxLayout(subsetRowWidget);
  subsetRow->setContentsMargins(0, 0, 0, 0);
  subsetBox_ = addCombo(subsetRow, subsetRowWidget, tr("Genes:"), tr("Which genes form the rows and columns"));
  subsetBox_->addItem(tr("perturbed genes + the genes they attend to most"), static_cast<int>(Subset::PerturbedAndAttended));
  subsetBox_->addItem(tr("top-k DE genes"), static_cast<int>(Subset::TopDeGenes));
  subsetBox_->addItem(tr("typed list"), static_cast<int>(Subset::Typed));
  subsetRow->addWidget(new QLabel(tr("k:"), subsetRowWidget));
  kSpin_ = new QSpinBox(subsetRowWidget);
  kSpin_->setRange(1, 200);
  kSpin_->setValue(k_);
  subsetRow->addWidget(kSpin_);
  typedEdit_ = new QLineEdit(subsetRowWidget);
  typedEdit_->setPlaceholderText(tr("Genes, comma separated, e.g. KLF1, GATA1, TAL1 (Enter)"));
  typedEdit_->setClearButtonEnabled(true);
  subsetRow->addWidget(typedEdit_, 1);
  addRowAbovePlot(subsetRowWidget);
  messageLabel_ = new QLabel(this);
  messageLabel_->setWordWrap(true);
  messageLabel_->setStyleSheet("QLabel { color: #805000; }");
  messageLabel_->hide();
  addRowAbovePlot(messageLabel_);

  for (auto* box : {blockBox_, partBox_, headBox_, kindBox_, cellBox_})
    connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
      if (updating_) return;
      readControls();
      recompute();
    });
  connect(subsetBox_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    if (!updating_) setSubset(static_cast<Subset>(subsetBox_->currentData().toInt()));
  });
  connect(kSpin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int k) {
    if (!updating_) setSubset(subset_, k);
  });
  connect(typedEdit_, &QLineEdit::returnPressed, this, [this] { setTypedGenes(typedEdit_->text()); });
}

QString AttentionMapView::figureName() const { return QString::fromStdString(perturbation_) + "_attention"; }

void AttentionMapView::setData(const std::string& perturbation,
                               std::shared_ptr<const std::vector<AttentionMap>> maps,
                               const std::vector<std::string>& genes, const std::vector<std::string>& targets,
                               const std::vector<int>& topDeGenes) {
  perturbation_ = perturbation;
  maps_ = std::move(maps);
  genes_ = genes;
  targets_ = targets;
  topDe_ = topDeGenes;
  typed_.clear();
  targetRows_.clear();
  for (const auto& t : targets_) {
    auto it = std::find(genes_.begin(), genes_.end(), t);
    if (it != genes_.end()) targetRows_.push_back(static_cast<int>(it - genes_.begin()));
  }
  inventory_ = maps_ ? attentionInventory(*maps_) : AttentionInventory();
  setGeneCompleter(typedEdit_, genes_);
  selection_ = AttentionSelection();
  if (!inventory_.blocks.empty()) selection_.block = inventory_.blocks.back();
  if (!inventory_.parts.empty()) selection_.part = inventory_.parts.front();
  fillControls();
  recompute();
}

void AttentionMapView::fillControls() {
  updating_ = true;
  blockBox_->clear();
  for (auto b : inventory_.blocks) blockBox_->addItem(tr("%1").arg(b), static_cast<qlonglong>(b));
  partBox_->clear();
  for (const auto& p : inventory_.parts) partBox_->addItem(partLabel(p), QString::fromStdString(p));
  headBox_->clear();
  headBox_->addItem(tr("mean over %1 heads").arg(inventory_.heads), -1);
  for (int h = 0; h < inventory_.heads; ++h) headBox_->addItem(tr("head %1").arg(h), h);
  cellBox_->clear();
  cellBox_->addItem(tr("mean over %1 cell(s)").arg(inventory_.cells.size()), -1);
  for (auto c : inventory_.cells) cellBox_->addItem(tr("cell %1").arg(c), static_cast<qlonglong>(c));
  cellBox_->setEnabled(inventory_.cells.size() > 1);
  blockBox_->setCurrentIndex(std::max(0, blockBox_->findData(static_cast<qlonglong>(selection_.block))));
  partBox_->setCurrentIndex(std::max(0, partBox_->findData(QString::fromStdString(selection_.part))));
  headBox_->setCurrentIndex(std::max(0, headBox_->findData(selection_.head)));
  kindBox_->setCurrentIndex(std::max(0, kindBox_->findData(static_cast<int>(selection_.kind))));
  cellBox_->setCurrentIndex(selection_.cell < 0 ? 0 : std::max(0, cellBox_->findData(static_cast<qlonglong>(selection_.cell))));
  subsetBox_->setCurrentIndex(std::max(0, subsetBox_->findData(static_cast<int>(subset_))));
  kSpin_->setValue(k_);
  typedEdit_->setEnabled(subset_ == Subset::Typed);
  for (auto* w : {blockBox_, partBox_, headBox_, kindBox_, subsetBox_}) w->setEnabled(hasMaps());
  kSpin_->setEnabled(hasMaps() && subset_ != Subset::Typed);
  updating_ = false;
}

void AttentionMapView::readControls() {
  selection_.block = blockBox_->currentData().toLongLong();
  selection_.part = partBox_->currentData().toString().toStdString();
  selection_.head = headBox_->currentData().toInt();
  selection_.kind = static_cast<AttentionKind>(kindBox_->currentData().toInt());
  selection_.cell = cellBox_->currentData().toLongLong();
}

void AttentionMapView::setSelection(const AttentionSelection& selection) {
  selection_ = selection;
  fillControls();
  recompute();
}

void AttentionMapView::setSubset(Subset subset, int k) {
  subset_ = subset;
  if (k > 0) k_ = k;
  fillControls();
  redraw();
}

bool AttentionMapView::setTypedGenes(const QString& text) {
  const GeneLookup found = lookupGenes(text, genes_);
  typed_ = found.found;
  typedEdit_->setText(text);
  subset_ = Subset::Typed;
  fillControls();
  redraw();
  if (!found.message.isEmpty()) {
    message_ = found.message + (message_.isEmpty() ? QString() : "\n" + message_);
    messageLabel_->setText(message_);
    messageLabel_->show();
  }
  return found.unknown.isEmpty();
}

QString AttentionMapView::selectionDescription() const {
  const QString head = selection_.head < 0 ? tr("mean over %1 heads").arg(inventory_.heads) : tr("head %1").arg(selection_.head);
  QString text = tr("block %1, %2, %3, %4")
                     .arg(selection_.block)
                     .arg(QString::fromStdString(selection_.part), head, QString::fromUtf8(toString(selection_.kind)));
  if (selection_.kind == AttentionKind::Difference) text += tr(" (λ = %1)").arg(formatNumber(full_.lambda, 3));
  return text;
}

QString AttentionMapView::message() const { return message_; }

void AttentionMapView::recompute() {
  full_ = AttentionMatrix();
  if (!hasMaps()) {
    message_.clear();
    messageLabel_->hide();
    setTitle(tr("%1: attention maps").arg(QString::fromStdString(perturbation_)));
    setNotice(tr("No attention maps were recorded for this prediction. Predict again with attention maps "
                 "enabled to see which genes the model attends to."));
    showHeatmapPlaceholder(tr("No attention maps for %1.").arg(QString::fromStdString(perturbation_)));
    shown_.clear();
    emit matrixChanged();
    return;
  }
  setNotice({});
  try {
    full_ = attentionMatrix(*maps_, selection_);
  } catch (const InputError& e) {
    showHeatmapPlaceholder(QString::fromStdString(e.what()));
    shown_.clear();
    emit matrixChanged();
    return;
  }
  if (full_.values.rows() != static_cast<long>(genes_.size()) || full_.values.cols() != full_.values.rows()) {
    showHeatmapPlaceholder(tr("The attention maps cover %1 × %2 genes but %3 gene names were given.")
                               .arg(full_.values.rows())
                               .arg(full_.values.cols())
                               .arg(genes_.size()));
    full_ = AttentionMatrix();
    shown_.clear();
    emit matrixChanged();
    return;
  }
  redraw();
  emit matrixChanged();
}

void AttentionMapView::redraw() {
  if (full_.mapsAveraged == 0) return;
  message_.clear();
  const long genes = full_.values.rows();
  switch (subset_) {
    case Subset::TopDeGenes:
      shown_.assign(topDe_.begin(), topDe_.begin() + std::min<std::size_t>(topDe_.size(), k_));
      if (shown_.empty()) message_ = tr("No DE ranking was given: choose another gene subset.");
      break;
    case Subset::PerturbedAndAttended: {
      shown_ = targetRows_;
      const auto received = attentionReceived(full_.values, targetRows_);
      for (int g : topAttended(received, k_, targetRows_)) shown_.push_back(g);
      if (targetRows_.empty())
        message_ = tr("The perturbed gene(s) %1 are not among the %2 generated genes, so they have no row in the "
                      "map: showing the %3 genes that receive the most attention on average over all query genes.")
                       .arg(toQStringList(targets_).join(", "))
                       .arg(genes)
                       .arg(k_);
      break;
    }
    case Subset::Typed:
      shown_ = typed_;
      if (shown_.empty()) message_ = tr("Type gene names (comma separated) and press Enter.");
      break;
  }
  messageLabel_->setText(message_);
  messageLabel_->setVisible(!message_.isEmpty());
  const QString pert = QString::fromStdString(perturbation_);
  if (shown_.empty()) {
    showHeatmapPlaceholder(tr("No genes to show."));
    return;
  }
  const int n = static_cast<int>(shown_.size());
  Eigen::MatrixXd sub(n, n);
  QStringList names;
  for (int i = 0; i < n; ++i) {
    names << QString::fromStdString(genes_[shown_[i]]);
    for (int j = 0; j < n; ++j) sub(i, j) = full_.values(shown_[i], shown_[j]);
  }
  const bool diff = selection_.kind == AttentionKind::Difference;
  QCPRange range = symmetricRange(sub);
  if (!diff) range = QCPRange(0, range.upper);
  const QString scaleLabel = diff ? tr("attention: softmax 1 − λ·softmax 2 (λ = %1)").arg(formatNumber(full_.lambda, 3))
                                  : tr("attention weight (%1)").arg(QString::fromUtf8(toString(selection_.kind)));
  setTitle(tr("%1: attention among %2 genes\n%3, flow time t = %4%5")
               .arg(pert)
               .arg(n)
               .arg(selectionDescription(), formatNumber(inventory_.time, 2),
                    full_.mapsAveraged > 1 ? tr(", mean over %1 cells").arg(full_.mapsAveraged) : QString()));
  showMatrix(names, names, sub, diff ? divergingGradient() : sequentialGradient(), range, scaleLabel,
             tr("key gene (attended to)"), tr("query gene (attending)"));
}

QString AttentionMapView::cellToolTip(int row, int col) const {
  return tr("query %1 → key %2: %3").arg(rowNames()[row], columnNames()[col], formatNumber(matrix()(row, col), 4));
}

}  // namespace scdfm::ui
