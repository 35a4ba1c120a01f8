#pragma once
// Dock panel describing the open dataset: size, X encoding, cell types,
// embeddings, detected columns, and the searchable perturbation catalog.
#include <QWidget>
#include <memory>

class QFormLayout;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace scdfm {
class Dataset;
}

namespace scdfm::ui {

class CatalogTableModel;

class DatasetPanel : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetPanel(QWidget* parent = nullptr);
  void setDataset(std::shared_ptr<const Dataset> dataset);  // nullptr clears
  // For tests: the catalog table after filtering.
  QSortFilterProxyModel* catalogProxy() const { return proxy_; }
  QLineEdit* searchField() const { return search_; }

 signals:
  // The user selected a condition (catalog key) in the table ("" = none).
  void conditionSelected(const QString& key);

 private:
  QLabel* addRow(const QString& name, const QString& tip);
  QFormLayout* form_ = nullptr;
  QLabel *file_ = nullptr, *cells_ = nullptr, *genes_ = nullptr, *encoding_ = nullptr, *cellTypes_ = nullptr,
         *embeddings_ = nullptr, *roles_ = nullptr, *conditions_ = nullptr;
  QLineEdit* search_ = nullptr;
  QTableView* table_ = nullptr;
  CatalogTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  std::shared_ptr<const Dataset> dataset_;
};

}  // namespace scdfm::ui
