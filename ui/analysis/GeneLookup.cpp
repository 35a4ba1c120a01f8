#include "ui/analysis/GeneLookup.h"

#include <QCompleter>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStringListModel>
#include <algorithm>

#include "core/util/Strings.h"
#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {

GeneLookup lookupGenes(const QString& text, const std::vector<std::string>& genes) {
  GeneLookup out;
  const QStringList names = text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts);
  for (const QString& typed : names) {
    const std::string t = typed.toStdString();
    auto it = std::find(genes.begin(), genes.end(), t);
    if (it == genes.end()) {
      const std::string lower = toLower(t);
      it = std::find_if(genes.begin(), genes.end(), [&](const std::string& g) { return toLower(g) == lower; });
    }
    if (it == genes.end()) {
      out.unknown << typed;
      continue;
    }
    const int index = static_cast<int>(it - genes.begin());
    if (std::find(out.found.begin(), out.found.end(), index) == out.found.end()) out.found.push_back(index);
  }
  QStringList parts;
  for (const QString& u : out.unknown) {
    const auto closest = closestMatches(u.toStdString(), genes, 4);
    parts << QObject::tr("“%1” is not among the %2 generated genes (closest: %3)")
                 .arg(u)
                 .arg(genes.size())
                 .arg(closest.empty() ? QObject::tr("none") : toQStringList(closest).join(", "));
  }
  out.message = parts.join("; ");
  return out;
}

void setGeneCompleter(QLineEdit* edit, const std::vector<std::string>& genes) {
  if (auto* old = edit->completer()) old->deleteLater();
  auto* completer = new QCompleter(edit);
  completer->setModel(new QStringListModel(toQStringList(genes), completer));
  completer->setCaseSensitivity(Qt::CaseInsensitive);
  completer->setFilterMode(Qt::MatchContains);
  completer->setMaxVisibleItems(12);
  edit->setCompleter(completer);
}

}  // namespace scdfm::ui
