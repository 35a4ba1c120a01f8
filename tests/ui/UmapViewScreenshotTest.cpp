// Screenshots for people to look at (build/test-work/umap-screenshots/):
// categorical layers with a selection, gene colouring with its colour bar,
// a rotated 3-D embedding, and the gene figure as exported. Rendered with VTK
// when an X display is there (ctest runs the UI tests under xvfb-run). The
// test checks only that the images are there and not blank.
#include <gtest/gtest.h>

#include <QDir>
#include <cmath>
#include <random>

#include "UmapTestSupport.h"
#include "ui/views/CategoryPalette.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
// Control cells in two lobes, KLF1-perturbed cells observed beside them, and
// predicted cells appended as a third layer near the observed ones; a 3rd
// coordinate for the 3-D view; KLF1 expression high in the perturbed cells.
ScatterData perturbationLayers(std::vector<float>* klf1) {
  ScatterData d;
  std::mt19937_64 rng(4);
  std::normal_distribution<float> n(0.0f, 1.0f);
  auto add = [&](int count, float cx, float cy, float cz, float sx, float sy, int category, float expr) {
    for (int i = 0; i < count; ++i) {
      d.xy.push_back(cx + sx * n(rng));
      d.xy.push_back(cy + sy * n(rng));
      d.z.push_back(cz + 0.8f * n(rng));
      d.category.push_back(category);
      const float v = std::max(0.0f, expr + 0.5f * n(rng));
      klf1->push_back(i % 23 == 0 ? std::nanf("") : v);
    }
  };
  add(5000, -4, 0, 0, 1.3f, 1.0f, 0, 0.2f);
  add(3000, 1, 4, 2, 0.9f, 1.1f, 0, 0.4f);
  add(3000, 5, -1, -1, 1.0f, 1.2f, 1, 2.4f);
  add(1500, 5.8f, -0.2f, -1.5f, 0.8f, 0.9f, 2, 2.9f);
  d.names = {"control", "KLF1 (observed)", "KLF1 (predicted by scDFM)"};
  d.colors = categoryColors(3);
  d.colorBy = "cells";
  return d;
}

std::string screenshotDir() {
  const std::string dir = std::string(SCDFM_TEST_WORK_DIR) + "/umap-screenshots";
  QDir().mkpath(QString::fromStdString(dir));
  return dir;
}

void save(const QImage& image, const std::string& name) {
  ASSERT_FALSE(image.isNull());
  int coloured = 0;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3) coloured += image.pixelColor(x, y).saturation() > 80;
  EXPECT_GT(coloured, 500) << name << " looks blank";
  const std::string path = screenshotDir() + "/" + name;
  ASSERT_TRUE(image.save(QString::fromStdString(path))) << path;
  std::printf("screenshot: %s\n", path.c_str());
}
}  // namespace

TEST(UmapViewScreenshots, LayersSelectionGeneColouringAnd3d) {
  std::vector<float> klf1;
  ScatterData data = perturbationLayers(&klf1);
  UmapView view;
  std::printf("backend: %s\n", qPrintable(view.backendDescription()));
  view.resize(960, 640);
  view.show();

  // (a) Layers, predicted on top, with a box selection over the perturbed cells.
  ScatterData flat = data;
  flat.z.clear();
  view.setData(flat);
  view.setTitle("demo.h5ad — KLF1: control, observed and predicted cells");
  view.setCategoryOnTop(2);
  const QPointF a = view.pixelOfPoint(12000) + QPointF(-70, -60), b = a + QPointF(120, 110);
  drag(view, Qt::LeftButton, Qt::ShiftModifier, {a, (a + b) / 2, b});
  EXPECT_GT(view.selectedPoints().size(), 50u);
  save(grabView(view), "umap_layers_selection.png");

  // (b) KLF1 expression with the colour bar.
  view.clearSelection();
  ASSERT_TRUE(view.setValues(klf1, "KLF1 expression", "log1p counts"));
  view.setTitle("demo.h5ad — coloured by KLF1 expression");
  save(grabView(view), "umap_gene_colorbar.png");
  QString error;
  const std::string exported = screenshotDir() + "/umap_gene_colorbar_export.png";
  ASSERT_TRUE(view.exportFigure(QString::fromStdString(exported), QSize(1600, 1000), &error)) << error.toStdString();

  // (c) The same cells in 3-D, rotated, one layer hidden.
  view.setData(data);
  view.setColors(data.category, data.names, data.colors, data.colorBy);
  view.setCategoryVisible(0, false);
  view.setTitle("3-D embedding, rotated (control hidden)");
  std::vector<QPointF> path;
  for (int k = 0; k <= 10; ++k) path.push_back(QPointF(300 + 6 * k, 300 + 3 * k));
  drag(view, Qt::RightButton, Qt::NoModifier, path);
  save(grabView(view), "umap_3d_rotated.png");
}
