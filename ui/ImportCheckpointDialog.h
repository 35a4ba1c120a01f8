#pragma once
// Asks for what an authors' PyTorch checkpoint (.pt) needs besides its
// weights: their tokenizer vocabulary JSON (gene names of the token ids) and
// the gene-interaction mask file. Both are optional for the import itself;
// without the vocabulary the model cannot name genes, so predictions need it.
#include <QDialog>

class QLabel;
class QLineEdit;

namespace scdfm::ui {

class ImportCheckpointDialog : public QDialog {
  Q_OBJECT
 public:
  ImportCheckpointDialog(const QString& checkpoint, QWidget* parent = nullptr);
  QString vocabulary() const;
  QString mask() const;

 private:
  QLineEdit* addFileRow(class QFormLayout* form, const QString& label, const QString& filter, const QString& tip);
  QLineEdit* vocab_ = nullptr;
  QLineEdit* mask_ = nullptr;
};

}  // namespace scdfm::ui
