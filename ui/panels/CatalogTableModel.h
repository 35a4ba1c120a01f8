#pragma once
// The perturbation catalog as a table: condition, kind, components, dose,
// cells (total and per cell type), observed yes/no. Read-only; sorting and
// searching are done by a QSortFilterProxyModel on top.
#include <QAbstractTableModel>
#include <memory>

namespace scdfm {
class PerturbationCatalog;
}

namespace scdfm::ui {

class CatalogTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Condition, Kind, Components, Dose, Cells, CellsByType, Observed, ColumnCount };
  static constexpr int KeyRole = Qt::UserRole + 1;  // CatalogEntry::key

  explicit CatalogTableModel(QObject* parent = nullptr);
  // The catalog must outlive the model's use of it (held by the Dataset).
  void setCatalog(std::shared_ptr<const void> owner, const PerturbationCatalog* catalog);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::shared_ptr<const void> owner_;
  const PerturbationCatalog* catalog_ = nullptr;
};

}  // namespace scdfm::ui
