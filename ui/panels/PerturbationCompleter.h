#pragma once
// Type-ahead for perturbation queries: completes the component being typed
// after the last '+' ("KLF1+MAP" → "KLF1+MAP2K6"), so combinations are built
// one gene at a time from the model's vocabulary.
#include <QCompleter>

namespace scdfm::ui {

class PerturbationCompleter : public QCompleter {
  Q_OBJECT
 public:
  explicit PerturbationCompleter(const QStringList& names, QObject* parent = nullptr);
  void setNames(const QStringList& names);
  QStringList splitPath(const QString& path) const override;
  QString pathFromIndex(const QModelIndex& index) const override;

  // The text before the component being typed ("KLF1+" for "KLF1+MAP"), and that component.
  static QString headOf(const QString& text);
  static QString tailOf(const QString& text);
};

}  // namespace scdfm::ui
