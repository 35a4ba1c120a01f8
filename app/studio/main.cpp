// scdfm-studio: the desktop application. Thin: all behaviour lives in ui/.
//   scdfm-studio [FILE.h5ad] [--screenshot OUT.png]
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
  QCommandLineOption screenshot("screenshot", "Save a screenshot of the window after FILE is shown, then quit.",
                                "OUT.png");
  parser.addOption(screenshot);
  parser.process(app);

  scdfm::ui::MainWindow window;
  window.show();
  const QStringList files = parser.positionalArguments();
  if (parser.isSet(screenshot)) window.takeScreenshotAndQuit(parser.value(screenshot), files.isEmpty());
  if (!files.isEmpty()) window.openDataset(files.first());
  return app.exec();
}
