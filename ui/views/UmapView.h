#pragma once
// The embedding view: cells as coloured points (VTK, offscreen) under a Qt
// overlay with title, axes and legend. Pan with the left mouse button, zoom
// with the wheel, double-click to reset; hovering a cell shows its obs values.
// Exports PNG (rendered at 2x), SVG and PDF (vector, drawn with QPainter).
// Without an X display (e.g. QT_QPA_PLATFORM=offscreen, no Xvfb) the points
// are drawn with QPainter instead of VTK.
#include <QImage>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <memory>

#include "ui/views/PointGrid.h"
#include "ui/views/ScatterData.h"
#include "ui/views/ViewTransform.h"

namespace scdfm::ui {

class VtkScatterRenderer;

class UmapView : public QWidget {
  Q_OBJECT
 public:
  explicit UmapView(QWidget* parent = nullptr);
  ~UmapView() override;

  void setData(ScatterData data);           // resets the view to fit the points
  void setColors(const std::vector<int>& category, const QStringList& names,
                 const std::vector<QColor>& colors, const QString& colorBy,
                 bool layerByCategory = false);  // keeps the view
  const ScatterData& data() const { return data_; }
  void setTitle(const QString& title);
  QString title() const { return title_; }
  void setAxisLabels(const QString& x, const QString& y);
  // Text shown when hovering point i (e.g. its obs values).
  void setHoverText(std::function<QString(int)> f) { hoverText_ = std::move(f); }
  // Shown in the middle when there are no points.
  void setPlaceholder(const QString& text);

  void resetView();
  // Whether points are drawn with VTK (false: QPainter fallback).
  bool usesVtk() const { return vtk_ != nullptr; }
  // Chooses the point renderer: VTK when `on` and an X display with GLX is
  // there, else QPainter. Returns whether VTK is used.
  bool setUseVtk(bool on);
  QString backendDescription() const;

  // The whole figure (title, axes, points, legend) as an image of `size`
  // logical pixels rendered at `scale` (2 for exports).
  QImage renderImage(QSize size, double scale) const;
  // Writes the figure; the format follows the suffix (.png, .svg, .pdf).
  // Returns false and sets `error` when writing fails.
  bool exportFigure(const QString& path, QString* error = nullptr) const;
  // The plot area (where points are drawn) in widget coordinates.
  QRect plotRect() const { return plotRectFor(rect()); }
  QPointF pixelOfPoint(int i) const;  // widget coordinates of point i
  int hoveredPoint() const { return hovered_; }
  double lastFrameMs() const { return lastFrameMs_; }  // time of the last points render
  // Renders now if a frame is pending (tests, screenshots).
  void renderNow();

 signals:
  void pointHovered(int index);  // -1 when none
  void frameRendered(double milliseconds);

 protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void mouseDoubleClickEvent(QMouseEvent*) override;
  void wheelEvent(QWheelEvent*) override;
  void leaveEvent(QEvent*) override;

 private:
  QRect plotRectFor(const QRect& area) const;
  int legendWidth(const QFontMetrics& fm) const;
  ViewTransform viewFor(const QRect& plot) const;  // current zoom/centre for a plot size
  void scheduleRender(bool restart = true);
  QImage renderPoints(const ViewTransform& view, double radius) const;  // VTK or QPainter
  void drawPointsWithPainter(QPainter& p, const ViewTransform& view, const QPointF& offset, double radius) const;
  // Everything except the points: frame, axes, labels, title, legend.
  void drawDecorations(QPainter& p, const QRect& area, const QRect& plot, const ViewTransform& view) const;
  void drawFigure(QPainter& p, const QRect& area, bool vectorPoints, double scale) const;
  void updateHover(const QPoint& pos);
  void pushColorsToRenderer();

  ScatterData data_;
  PointGrid grid_;
  QString title_, xLabel_ = "UMAP 1", yLabel_ = "UMAP 2", placeholder_;
  std::function<QString(int)> hoverText_;
  double radius_ = 2.5;  // point radius in logical pixels

  // Zoom and centre, independent of widget size: pixelsPerUnit is relative to
  // the fitted view (zoom_ = 1 fits all points).
  double zoom_ = 1, centerX_ = 0, centerY_ = 0;
  bool dragging_ = false;
  QPoint dragStart_;
  double dragCenterX_ = 0, dragCenterY_ = 0;
  int hovered_ = -1;

  std::unique_ptr<VtkScatterRenderer> vtk_;
  mutable QImage frame_;       // last rendered points (plot area, device pixels)
  ViewTransform frameView_;    // the view frame_ shows
  double lastFrameMs_ = 0;
  QTimer renderTimer_;         // throttles re-rendering during pan/zoom
};

}  // namespace scdfm::ui
