#include "ui/panels/PerturbationCompleter.h"

#include <QAbstractItemView>
#include <QLineEdit>
#include <QStringListModel>

namespace scdfm::ui {

PerturbationCompleter::PerturbationCompleter(const QStringList& names, QObject* parent)
    : QCompleter(new QStringListModel(names), parent) {
  model()->setParent(this);
  setCaseSensitivity(Qt::CaseInsensitive);
  setFilterMode(Qt::MatchStartsWith);
  setMaxVisibleItems(12);
}

void PerturbationCompleter::setNames(const QStringList& names) {
  static_cast<QStringListModel*>(model())->setStringList(names);
}

QString PerturbationCompleter::headOf(const QString& text) {
  const int plus = text.lastIndexOf('+');
  return plus < 0 ? QString() : text.left(plus + 1);
}

QString PerturbationCompleter::tailOf(const QString& text) {
  const int plus = text.lastIndexOf('+');
  return (plus < 0 ? text : text.mid(plus + 1)).trimmed();
}

QStringList PerturbationCompleter::splitPath(const QString& path) const { return {tailOf(path)}; }

QString PerturbationCompleter::pathFromIndex(const QModelIndex& index) const {
  // The line edit's current text decides what is kept before the completed part.
  const auto* edit = qobject_cast<const QLineEdit*>(widget());
  const QString head = edit ? headOf(edit->text()) : QString();
  return head + index.data(Qt::EditRole).toString();
}

}  // namespace scdfm::ui
