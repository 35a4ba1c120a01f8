// Layers: hiding a category removes its points from the picture, from hover
// and from selection (both backends); a click on its legend entry toggles it;
// a chosen category is drawn above the others; hidden layers survive a
// recolouring that has them by name.
#include <gtest/gtest.h>

#include <QApplication>

#include <QMouseEvent>

#include "UmapTestSupport.h"
#include "ui/views/DrawList.h"
#include "ui/views/ScatterLegend.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
void hoverAt(UmapView& view, QPointF p) {
  QMouseEvent move(QEvent::MouseMove, p, view.mapToGlobal(p), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(&view, &move);
}

// A widget position inside the legend row of `category` (found through the
// legend's own hit test), or (-1, -1).
QPoint legendRowOf(const UmapView& view, int category) {
  const ColorSummary summary = ColorSummary::of(view.data());
  const ScatterLegend legend(view.data(), summary);
  for (int y = view.plotRect().top(); y < view.height(); ++y)
    for (int x = view.plotRect().right(); x < view.width(); x += 3)
      if (legend.categoryAt(view.font(), view.plotRect(), QPoint(x, y)) == category) return QPoint(x + 6, y + 3);
  return QPoint(-1, -1);
}
}  // namespace

TEST(UmapViewLayers, HiddenCategoryIsNotDrawnHoveredOrSelected) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    std::vector<int> centres;
    view.setData(threeClusters(&centres));
    view.resize(640, 420);
    view.show();
    const QPointF red = view.pixelOfPoint(centres[0]);
    ASSERT_EQ(classify(colorAt(grabView(view), red)), kRed);

    view.setCategoryVisible(0, false);
    EXPECT_FALSE(view.isCategoryVisible(0));
    EXPECT_EQ(classify(colorAt(grabView(view), red)), QColor(Qt::white)) << "hidden points are not drawn";
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(centres[1]))), kGreen) << "others still are";
    hoverAt(view, red);
    EXPECT_EQ(view.hoveredPoint(), -1) << "hidden points cannot be hovered";
    // A box over clusters 0 and 1 selects only the visible cluster's cells.
    const QPointF a = red - QPointF(100, 100), b = view.pixelOfPoint(centres[1]) + QPointF(100, 100);
    drag(view, Qt::LeftButton, Qt::ShiftModifier, {a, (a + b) / 2, b});
    ASSERT_EQ(view.selectedPoints().size(), 400u);
    for (int i : view.selectedPoints()) ASSERT_EQ(view.data().category[i], 1);

    view.clearSelection();
    view.setCategoryVisible(0, true);
    EXPECT_EQ(classify(colorAt(grabView(view), red)), kRed);
    hoverAt(view, red);
    EXPECT_GE(view.hoveredPoint(), 0);
  }
}

TEST(UmapViewLayers, LegendClickTogglesACategory) {
  UmapView view;
  view.setUseVtk(false);
  view.setData(threeClusters());
  view.resize(640, 420);
  view.show();
  std::vector<std::pair<int, bool>> changes;
  QObject::connect(&view, &UmapView::categoryVisibilityChanged,
                   [&](int category, bool visible) { changes.emplace_back(category, visible); });
  const QPoint row = legendRowOf(view, 1);
  ASSERT_GE(row.x(), 0) << "legend row of 'observed' not found";
  drag(view, Qt::LeftButton, Qt::NoModifier, {QPointF(row)});
  EXPECT_FALSE(view.isCategoryVisible(1));
  EXPECT_TRUE(view.isCategoryVisible(0));
  drag(view, Qt::LeftButton, Qt::NoModifier, {QPointF(row)});
  EXPECT_TRUE(view.isCategoryVisible(1));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0], std::make_pair(1, false));
  EXPECT_EQ(changes[1], std::make_pair(1, true));
  // A click on the legend is no pan: the points stay where they were.
  EXPECT_EQ(view.selectedPoints().size(), 0u);
}

// Cells 0 (category a, red) and 1 (category b, blue) overlap; file order puts
// cell 1 on top. Putting a on top (e.g. the predicted layer) reverses it.
TEST(UmapViewLayers, ChosenCategoryIsDrawnOnTop) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    ScatterData d;
    d.xy = {0, 0, 0, 0, -5, -5, 5, 5};
    d.category = {0, 1, 1, 1};
    d.names = {"a", "b"};
    d.colors = {kRed, kBlue};
    view.setData(d);
    view.resize(400, 300);
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kBlue);
    view.setCategoryOnTop(0);
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kRed);
    // Also above later categories when layering by category.
    view.setColors(d.category, d.names, d.colors, "x", /*layerByCategory=*/true);
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kRed) << "kept across setColors by name";
    view.setCategoryOnTop(-1);
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kBlue);
  }
}

TEST(UmapViewLayers, HiddenLayersSurviveRecolouringByName) {
  UmapView view;
  view.setData(threeClusters());
  view.setCategoryVisible(0, false);  // "control"
  std::vector<int> swapped(view.data().size());
  for (std::size_t i = 0; i < swapped.size(); ++i) swapped[i] = view.data().category[i] == 0 ? 1 : 0;
  view.setColors(swapped, {"observed", "control"}, {kGreen, kRed}, "kind");
  EXPECT_TRUE(view.isCategoryVisible(0));
  EXPECT_FALSE(view.isCategoryVisible(1)) << "'control' is now category 1 and stays hidden";
  view.setColors(swapped, {"cluster A", "cluster B"}, {kGreen, kRed}, "cluster");
  EXPECT_TRUE(view.isCategoryVisible(0));
  EXPECT_TRUE(view.isCategoryVisible(1));
}
