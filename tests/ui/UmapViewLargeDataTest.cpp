// 200,000 cells: prints how long a frame takes in each backend, how long
// 1,000 hover look-ups and a lasso selection take (no thresholds: machines
// differ; the numbers are for people), and checks that the frame shows the
// points and that hovering and selecting still find the right cells.
#include <gtest/gtest.h>

#include <QApplication>

#include <QElapsedTimer>
#include <QMouseEvent>
#include <cstdio>
#include <random>

#include "UmapTestSupport.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
// Ten Gaussian clusters of 20,000 cells each.
ScatterData tenClusters() {
  ScatterData d;
  std::mt19937_64 rng(21);
  std::normal_distribution<float> noise(0.0f, 0.8f);
  for (int c = 0; c < 10; ++c) {
    d.names << QString("cluster %1").arg(c);
    d.colors.push_back(QColor::fromHsv(36 * c, 200, 200));
    for (int i = 0; i < 20000; ++i) {
      d.xy.push_back(static_cast<float>(8 * std::cos(c * 0.628) + noise(rng)));
      d.xy.push_back(static_cast<float>(8 * std::sin(c * 0.628) + noise(rng)));
      d.category.push_back(c);
    }
  }
  d.colorBy = "cluster";
  return d;
}
}  // namespace

TEST(UmapViewLargeData, TwoHundredThousandCellsInBothBackends) {
  const ScatterData data = tenClusters();
  ASSERT_EQ(data.size(), 200000u);
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    view.setData(data);
    view.resize(900, 700);
    view.show();
    view.renderNow();  // first frame: also builds the draw list (and VTK arrays)
    const double first = view.lastFrameMs();
    view.resetView();
    view.setOpacity(0.99);  // a new frame of the same scene
    view.renderNow();
    const double again = view.lastFrameMs();
    const QImage image = grabView(view);
    int coloured = 0;
    for (int y = 0; y < image.height(); y += 4)
      for (int x = 0; x < image.width(); x += 4) {
        const QColor c = image.pixelColor(x, y);
        coloured += c.saturation() > 100;
      }
    EXPECT_GT(coloured, 2000);

    QElapsedTimer timer;
    timer.start();
    int found = 0;
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<int> pick(0, 199999);
    for (int k = 0; k < 1000; ++k) {
      const QPointF p = view.pixelOfPoint(pick(rng));
      QMouseEvent move(QEvent::MouseMove, p, view.mapToGlobal(p), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
      QApplication::sendEvent(&view, &move);
      found += view.hoveredPoint() >= 0;
    }
    const double hoverMs = timer.nsecsElapsed() / 1e6;
    EXPECT_EQ(found, 1000) << "every hovered cell's position finds a cell";

    const QPointF c = view.pixelOfPoint(0);
    std::vector<QPointF> lasso;
    for (int k = 0; k <= 60; ++k)
      lasso.push_back(c + QPointF(60 * std::cos(k * M_PI / 30), 45 * std::sin(k * M_PI / 30)));
    timer.restart();
    drag(view, Qt::LeftButton, Qt::ControlModifier, lasso);
    const double lassoMs = timer.nsecsElapsed() / 1e6;
    EXPECT_GT(view.selectedPoints().size(), 100u);
    timer.restart();
    view.renderNow();
    const double selectedFrameMs = timer.nsecsElapsed() / 1e6;
    std::printf("[200k cells, %s] first frame %.1f ms, next frame %.1f ms, frame after selecting %zu cells %.1f ms, "
                "1000 hover moves %.1f ms, lasso %.1f ms\n",
                vtk ? "VTK" : "QPainter", first, again, view.selectedPoints().size(), selectedFrameMs, hoverMs,
                lassoMs);
  }
}
