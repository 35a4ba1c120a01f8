#pragma once
// A saved session: everything needed to bring a figure back later — the
// dataset and checkpoint paths, what was predicted and how (perturbations,
// context, cells, solver, time points, seed: predictions are deterministic, so
// re-running them gives the same cells), what was shown (prediction,
// highlighted condition, colouring, gene) and the view. Stored as JSON
// (*.scdfm-session); paths are kept absolute and, when possible, also
// relative to the session file so a moved project folder still opens.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/panels/PredictionPanel.h"

namespace scdfm::ui {

struct SessionState {
  static constexpr int kVersion = 1;
  QString dataset, checkpoint, device = "auto";
  std::vector<PredictionSettings> batches;  // each a run of the prediction panel, in order
  QString shownPrediction, highlightedCondition, colorBy, colorGene;
  double zoom = 1, centerX = 0, centerY = 0, pointSize = 0, opacity = 0;  // 0: view default

  QJsonObject toJson(const QString& sessionPath) const;
  // Throws InputError naming the file and the field that is wrong.
  static SessionState fromJson(const QJsonObject& json, const QString& sessionPath);

  // Atomic write; InputError when the file cannot be written.
  void save(const QString& path) const;
  static SessionState load(const QString& path);
};

}  // namespace scdfm::ui
