// scdfm-studio: the desktop application. Thin: all behaviour lives in ui/.
//   scdfm-studio [FILE.h5ad] [--checkpoint MODEL] [--predict A+B]... [--cells N] [--screenshot OUT.png]
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "core/util/BuildInfo.h"
#include "ui/MainWindow.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("scDFM");
  QApplication::setApplicationName("scDFM Studio");
  QApplication::setApplicationVersion(scdfm::build::kVersion);
  QApplication::setWindowIcon(QIcon(":/scdfm/scdfm-studio.svg"));

  QCommandLineParser parser;
  parser.setApplicationDescription("Predict single-cell perturbation responses with scDFM.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("file", "An AnnData .h5ad dataset to open.", "[FILE.h5ad]");
  QCommandLineOption checkpoint("checkpoint", "Load this scDFM checkpoint after the dataset.", "MODEL");
  QCommandLineOption predict("predict", "Predict this perturbation once the model is loaded (repeatable).", "A+B");
  QCommandLineOption cells("cells", "Cells generated per perturbation for --predict.", "N");
  QCommandLineOption screenshot("screenshot",
                                "Save a screenshot of the window once everything asked for is shown, then quit.",
                                "OUT.png");
  parser.addOptions({checkpoint, predict, cells, screenshot});
  parser.process(app);

  scdfm::ui::MainWindow window;
  window.show();
  scdfm::ui::MainWindow::StartupPlan plan;
  const QStringList files = parser.positionalArguments();
  if (!files.isEmpty()) plan.dataset = files.first();
  plan.checkpoint = parser.value(checkpoint);
  plan.predict = parser.values(predict);
  plan.cells = parser.value(cells).toInt();
  plan.screenshot = parser.value(screenshot);
  window.start(plan);
  return app.exec();
}
