// scdfm-studio: the desktop application. Thin: all behaviour lives in ui/.
//   scdfm-studio [FILE.h5ad] [--checkpoint MODEL] [--predict A+B]... [--cells N] [--screenshot OUT.png] [--demo]
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>

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
  QCommandLineOption demo("demo", "Open the bundled demo dataset and model and predict one held-out pair "
                                  "(also done on the very first launch without arguments).");
  QCommandLineOption tab("tab", "Compare tab to show: distributions, delta, de, metrics, attention or graph.", "NAME");
  QCommandLineOption gene("gene", "Colour the cells by this gene's expression.", "GENE");
  QCommandLineOption screen("screen", "Run a combination screen of these genes (comma-separated) once loaded.",
                            "A,B,C");
  parser.addOptions({checkpoint, predict, cells, screenshot, demo, tab, gene, screen});
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
  const QStringList tabs{"distributions", "delta", "de", "metrics", "attention", "graph"};
  plan.compareTab = static_cast<int>(tabs.indexOf(parser.value(tab).toLower()));
  plan.colorGene = parser.value(gene);
  if (parser.isSet(screen)) plan.screenGenes = parser.value(screen).split(',', Qt::SkipEmptyParts);
  // A new user sees the demo at once; later launches start empty (Help ▸ Open demo).
  QSettings settings;
  const bool firstLaunch = !settings.value("demoShownOnce").toBool();
  if (parser.isSet(demo) || (firstLaunch && files.isEmpty() && plan.checkpoint.isEmpty())) {
    settings.setValue("demoShownOnce", true);
    window.openDemo(plan);
  } else {
    window.start(plan);
  }
  return app.exec();
}
