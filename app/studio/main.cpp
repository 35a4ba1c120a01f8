// scdfm-studio: the desktop application. Thin: all behaviour lives in ui/.
//   scdfm-studio [FILE.h5ad] [--checkpoint CKPT.safetensors] [--screenshot OUT.png]
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <memory>
#include <utility>

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
  QCommandLineOption checkpoint("checkpoint", "An scDFM checkpoint to load (after FILE is opened).",
                                "CKPT.safetensors");
  parser.addOption(checkpoint);
  parser.process(app);

  scdfm::ui::MainWindow window;
  window.show();
  const QStringList files = parser.positionalArguments();
  if (parser.isSet(screenshot)) window.takeScreenshotAndQuit(parser.value(screenshot), files.isEmpty());
  if (parser.isSet(checkpoint)) {
    // One job runs at a time and a new one cancels the running one: load the
    // checkpoint once the dataset has been opened (or has failed to open).
    auto pending = std::make_shared<bool>(true);
    auto load = [&window, pending, ckpt = parser.value(checkpoint)] {
      if (std::exchange(*pending, false)) window.openCheckpoint(ckpt);
    };
    if (files.isEmpty()) {
      load();
    } else {
      QObject::connect(&window, &scdfm::ui::MainWindow::datasetShown, &window, load);
      QObject::connect(&window, &scdfm::ui::MainWindow::datasetFailed, &window, load);
    }
  }
  if (!files.isEmpty()) window.openDataset(files.first());
  return app.exec();
}
