#include "ui/SessionState.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

namespace scdfm::ui {

namespace {
const char* kFormat = "scdfm-studio-session";

// Absolute and session-relative forms of a path.
QJsonObject pathJson(const QString& path, const QString& sessionPath) {
  if (path.isEmpty()) return {};
  const QString absolute = QFileInfo(path).absoluteFilePath();
  return {{"absolute", absolute}, {"relative", QFileInfo(sessionPath).absoluteDir().relativeFilePath(absolute)}};
}

// The absolute path when it exists, else the relative one resolved next to the session.
QString pathFrom(const QJsonValue& v, const QString& sessionPath) {
  const QJsonObject o = v.toObject();
  const QString absolute = o.value("absolute").toString();
  if (absolute.isEmpty() || QFileInfo::exists(absolute)) return absolute;
  const QString relative = o.value("relative").toString();
  const QString moved = QFileInfo(sessionPath).absoluteDir().absoluteFilePath(relative);
  return !relative.isEmpty() && QFileInfo::exists(moved) ? moved : absolute;
}

QJsonObject batchJson(const PredictionSettings& s) {
  return {{"context", s.context},     {"perturbations", QJsonArray::fromStringList(s.perturbations)},
          {"cells", s.cells},         {"solver", s.solver},
          {"time_points", s.timePoints}, {"seed", QString::number(s.seed)},
          {"device", s.device}};
}
}  // namespace

QJsonObject SessionState::toJson(const QString& sessionPath) const {
  QJsonArray runs;
  for (const auto& b : batches) runs.append(batchJson(b));
  return {{"format", kFormat},
          {"version", kVersion},
          {"dataset", pathJson(dataset, sessionPath)},
          {"checkpoint", pathJson(checkpoint, sessionPath)},
          {"device", device},
          {"predictions", runs},
          {"shown_prediction", shownPrediction},
          {"highlighted_condition", highlightedCondition},
          {"color_by", colorBy},
          {"color_gene", colorGene},
          {"view", QJsonObject{{"zoom", zoom},
                               {"center_x", centerX},
                               {"center_y", centerY},
                               {"point_size", pointSize},
                               {"opacity", opacity}}}};
}

SessionState SessionState::fromJson(const QJsonObject& j, const QString& sessionPath) {
  const std::string file = sessionPath.toStdString();
  if (j.value("format").toString() != kFormat)
    throw InputError(file, "format", "is not an scDFM Studio session", "Open a file saved with File ▸ Save session");
  if (j.value("version").toInt() > kVersion)
    throw InputError(file, "version",
                     "was written by a newer scDFM Studio (session version " +
                         std::to_string(j.value("version").toInt()) + ")",
                     "Update scDFM Studio to open it");
  SessionState s;
  s.dataset = pathFrom(j.value("dataset"), sessionPath);
  s.checkpoint = pathFrom(j.value("checkpoint"), sessionPath);
  s.device = j.value("device").toString("auto");
  const QJsonValue runs = j.value("predictions");
  if (!runs.isUndefined() && !runs.isArray())
    throw InputError(file, "predictions", "must be a list of prediction runs");
  for (const auto& r : runs.toArray()) {
    const QJsonObject o = r.toObject();
    PredictionSettings b;
    b.context = o.value("context").toString();
    for (const auto& p : o.value("perturbations").toArray()) b.perturbations << p.toString();
    b.cells = o.value("cells").toInt(128);
    b.solver = o.value("solver").toString("rk4");
    b.timePoints = o.value("time_points").toInt(20);
    bool ok = false;
    b.seed = o.value("seed").toString("0").toULongLong(&ok);
    if (!ok) throw InputError(file, "predictions[].seed", "is not a whole number");
    b.device = o.value("device").toString("auto");
    if (b.perturbations.isEmpty() || b.cells < 1 || b.timePoints < 2)
      throw InputError(file, "predictions[]", "a prediction run lacks perturbations or has too few cells/time points",
                       "Remove the run from the session file or save the session again");
    s.batches.push_back(b);
  }
  s.shownPrediction = j.value("shown_prediction").toString();
  s.highlightedCondition = j.value("highlighted_condition").toString();
  s.colorBy = j.value("color_by").toString();
  s.colorGene = j.value("color_gene").toString();
  const QJsonObject v = j.value("view").toObject();
  s.zoom = v.value("zoom").toDouble(1);
  s.centerX = v.value("center_x").toDouble();
  s.centerY = v.value("center_y").toDouble();
  s.pointSize = v.value("point_size").toDouble();
  s.opacity = v.value("opacity").toDouble();
  return s;
}

void SessionState::save(const QString& path) const {
  const QByteArray bytes = QJsonDocument(toJson(path)).toJson(QJsonDocument::Indented);
  writeFileAtomically(path.toStdString(), [&](const std::string& tmp) {
    QFile f(QString::fromStdString(tmp));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
      throw InputError(tmp, "", "cannot write the session file", "Choose a writable folder");
  });
}

SessionState SessionState::load(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
    throw InputError(path.toStdString(), "", "cannot open the session file", "Check the path and permissions");
  QJsonParseError error{};
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
  if (doc.isNull() || !doc.isObject())
    throw InputError(path.toStdString(), "offset " + std::to_string(error.offset),
                     "not valid JSON (" + error.errorString().toStdString() + ")",
                     "The session file is damaged; open the dataset and model again and save a new session");
  return fromJson(doc.object(), path);
}

}  // namespace scdfm::ui
