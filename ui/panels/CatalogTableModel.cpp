#include "ui/panels/CatalogTableModel.h"

#include <QStringList>

#include "core/data/PerturbationCatalog.h"

namespace scdfm::ui {

CatalogTableModel::CatalogTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void CatalogTableModel::setCatalog(std::shared_ptr<const void> owner, const PerturbationCatalog* catalog) {
  beginResetModel();
  owner_ = std::move(owner);
  catalog_ = catalog;
  endResetModel();
}

int CatalogTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !catalog_ ? 0 : static_cast<int>(catalog_->entries().size());
}

int CatalogTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CatalogTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  static const char* names[] = {"Condition", "Kind", "Components", "Dose", "Cells", "Cells by type", "Observed"};
  static const char* tips[] = {
      "Canonical condition key (components sorted, '+' joins a combination)",
      "control, gene, drug, or mixed (genes and drugs)",
      "Number of perturbed genes/drugs (1 = single, 2+ = combination)",
      "Dose per component, in the dataset's unit",
      "Cells with this condition",
      "Cells per cell type / context",
      "yes: cells with this condition are in the file; no: a combination of observed components "
      "that can be predicted"};
  if (section < 0 || section >= ColumnCount) return {};
  if (role == Qt::DisplayRole) return tr(names[section]);
  if (role == Qt::ToolTipRole) return tr(tips[section]);
  return {};
}

QVariant CatalogTableModel::data(const QModelIndex& index, int role) const {
  if (!catalog_ || !index.isValid()) return {};
  const CatalogEntry& e = catalog_->entries()[static_cast<std::size_t>(index.row())];
  if (role == KeyRole) return QString::fromStdString(e.key);
  if (role == Qt::TextAlignmentRole && (index.column() == Cells || index.column() == Components))
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && index.column() == Condition) {
    QStringList labels;
    for (const auto& l : e.labels) labels << QString::fromStdString(l);
    return tr("%1\nLabels in the file: %2").arg(QString::fromStdString(e.perturbation.display()),
                                                 labels.isEmpty() ? tr("(none)") : labels.join(", "));
  }
  if (role != Qt::DisplayRole && role != Qt::EditRole) return {};
  const bool sortValue = role == Qt::EditRole;  // proxy sorts on EditRole numbers
  switch (index.column()) {
    case Condition:
      return QString::fromStdString(e.key);
    case Kind:
      return QString::fromLatin1(toString(e.kind()));
    case Components:
      return static_cast<int>(e.perturbation.components.size());
    case Dose: {
      QStringList doses;
      for (const auto& c : e.perturbation.components)
        if (c.dose)
          doses << QString::fromStdString(formatDose(*c.dose) + (c.doseUnit.empty() ? "" : " " + c.doseUnit));
      return doses.join(" + ");
    }
    case Cells:
      return sortValue ? QVariant(static_cast<qlonglong>(e.nCells)) : QVariant(QString::number(e.nCells));
    case CellsByType: {
      QStringList parts;
      for (const auto& [type, n] : e.cellsByCellType)
        parts << (type.empty() ? QString::number(n) : QString("%1: %2").arg(QString::fromStdString(type)).arg(n));
      return parts.join(", ");
    }
    case Observed:
      return e.observed ? tr("yes") : tr("no");
  }
  return {};
}

}  // namespace scdfm::ui
