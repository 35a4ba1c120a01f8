#pragma once
// Genes typed by the user (one name, or a comma/space separated list) resolved
// against the generated genes, with the closest names for any that are unknown;
// and the type-ahead completer over the gene names.
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

class QLineEdit;

namespace scdfm::ui {

struct GeneLookup {
  std::vector<int> found;  // column indices, in the order typed, without repeats
  QStringList unknown;     // names as typed
  QString message;         // "" when all were found, else which are unknown and the closest names
};

// Exact match first, then a case-insensitive one (gene symbols are often typed in lower case).
GeneLookup lookupGenes(const QString& text, const std::vector<std::string>& genes);

// Gives `edit` a case-insensitive completer matching anywhere in the names of `genes`
// (replacing any previous one).
void setGeneCompleter(QLineEdit* edit, const std::vector<std::string>& genes);

}  // namespace scdfm::ui
