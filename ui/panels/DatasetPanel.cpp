#include "ui/panels/DatasetPanel.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/data/Dataset.h"
#include "core/io/H5adReader.h"
#include "ui/panels/CatalogTableModel.h"

namespace scdfm::ui {

namespace {
QString joinNames(const std::vector<std::string>& names, int maxShown) {
  QStringList out;
  for (std::size_t i = 0; i < names.size() && static_cast<int>(i) < maxShown; ++i)
    out << QString::fromStdString(names[i]);
  if (static_cast<int>(names.size()) > maxShown) out << QObject::tr("… %1 more").arg(names.size() - maxShown);
  return out.join(", ");
}
}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  form_ = new QFormLayout;
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  layout->addLayout(form_);
  file_ = addRow(tr("File"), tr("The open .h5ad file"));
  cells_ = addRow(tr("Cells"), tr("Number of cells (obs rows)"));
  genes_ = addRow(tr("Genes"), tr("Number of genes (var rows) and where gene names come from"));
  encoding_ = addRow(tr("X"), tr("How the expression matrix X is stored in the file"));
  cellTypes_ = addRow(tr("Cell types"), tr("Values of the detected cell type / context column"));
  embeddings_ = addRow(tr("Embeddings"), tr("obsm entries (X_umap, X_pca, ...)"));
  roles_ = addRow(tr("Columns"), tr("obs columns detected for condition, cell type and dose"));
  conditions_ = addRow(tr("Conditions"), tr("Perturbation conditions in the catalog"));

  search_ = new QLineEdit;
  search_->setPlaceholderText(tr("Search conditions (e.g. KLF1, +MAP2K6, ctrl)"));
  search_->setClearButtonEnabled(true);
  layout->addWidget(search_);

  model_ = new CatalogTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setFilterKeyColumn(CatalogTableModel::Condition);
  proxy_->setSortRole(Qt::EditRole);
  table_ = new QTableView;
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(CatalogTableModel::Cells, Qt::DescendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(table_, 1);

  connect(search_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    emit conditionSelected(current.isValid() ? current.data(CatalogTableModel::KeyRole).toString() : QString());
  });
  setDataset(nullptr);
}

QLabel* DatasetPanel::addRow(const QString& name, const QString& tip) {
  auto* value = new QLabel;
  value->setTextInteractionFlags(Qt::TextSelectableByMouse);
  value->setWordWrap(true);
  value->setToolTip(tip);
  auto* label = new QLabel(name + ":");
  label->setToolTip(tip);
  form_->addRow(label, value);
  return value;
}

void DatasetPanel::setDataset(std::shared_ptr<const Dataset> dataset) {
  dataset_ = std::move(dataset);
  const QLocale locale;
  if (!dataset_) {
    for (QLabel* l : {file_, cells_, genes_, encoding_, cellTypes_, embeddings_, roles_, conditions_}) l->setText("—");
    file_->setText(tr("No dataset open. Use File ▸ Open dataset… or drop an .h5ad file here."));
    model_->setCatalog(nullptr, nullptr);
    search_->setEnabled(false);
    return;
  }
  const Dataset& d = *dataset_;
  const H5adSummary& s = d.summary();
  file_->setText(QFileInfo(QString::fromStdString(d.path())).fileName());
  file_->setToolTip(QString::fromStdString(d.path()));
  cells_->setText(locale.toString(static_cast<qlonglong>(d.nCells())));
  genes_->setText(tr("%1 (names from %2)")
                      .arg(locale.toString(static_cast<qlonglong>(d.nGenes())),
                           QString::fromStdString(d.geneNameSource())));
  if (!s.hasX) {
    encoding_->setText(tr("absent (no expression matrix in this file)"));
  } else {
    QString enc = QString("%1, %2").arg(QString::fromLatin1(toString(s.xEncoding)), QString::fromStdString(s.xDtype));
    if (s.xNnz >= 0) {
      double density = s.nObs * s.nVars > 0 ? double(s.xNnz) / double(s.nObs * s.nVars) : 0;
      enc += tr(", %1 non-zeros (%2%)").arg(locale.toString(static_cast<qlonglong>(s.xNnz))).arg(density * 100, 0, 'f', 1);
    }
    enc += tr("; AnnData %1").arg(QString::fromStdString(s.anndataGeneration));
    encoding_->setText(enc);
  }
  const PerturbationCatalog& catalog = d.catalog();
  const auto types = catalog.cellTypes();
  cellTypes_->setText(types.empty() ? tr("(no cell type column)")
                                    : tr("%1: %2").arg(types.size()).arg(joinNames(types, 8)));
  embeddings_->setText(s.obsm.empty() ? tr("none") : joinNames(d.embeddingKeys(), 10));
  const ColumnRoles& r = d.roles().roles;
  QStringList roles;
  roles << tr("condition = %1 (%2, confidence %3)")
               .arg(r.condition.empty() ? tr("none") : QString::fromStdString(r.condition),
                    QString::fromLatin1(toString(r.format)))
               .arg(d.roles().confidence, 0, 'f', 2);
  if (!r.cellType.empty()) roles << tr("cell type = %1").arg(QString::fromStdString(r.cellType));
  if (!r.dose.empty())
    roles << tr("dose = %1 %2").arg(QString::fromStdString(r.dose), QString::fromStdString(r.doseUnit));
  roles_->setText(roles.join("; "));
  QStringList why;
  for (const auto& f : d.roles().findings)
    why << QString("%1: %2").arg(QString::fromStdString(f.role), QString::fromStdString(f.why));
  roles_->setToolTip(why.join('\n'));
  const CatalogSummary cs = catalog.summary();
  conditions_->setText(tr("%1 observed (%2 single, %3 %4); %5 control cells")
                           .arg(cs.nConditions)
                           .arg(cs.nSingles)
                           .arg(cs.nCombinations)
                           .arg(cs.nCombinations == 1 ? tr("combination") : tr("combinations"))
                           .arg(locale.toString(static_cast<qlonglong>(cs.nControlCells))));
  model_->setCatalog(dataset_, &catalog);
  search_->setEnabled(true);
  table_->resizeColumnsToContents();
}

}  // namespace scdfm::ui
