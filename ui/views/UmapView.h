#pragma once
// The embedding view: cells as coloured points (VTK, offscreen) under a Qt
// overlay with title, axes and legend or colour bar.
//
// Mouse: drag pans (middle-drag always pans), wheel zooms, double-click
// resets; Shift+drag selects a box, Ctrl+drag a lasso (or plain drag in the
// Box/Lasso selection modes), Esc clears the selection; right-drag rotates a
// 3-D embedding; clicking a legend entry hides/shows that category.
// Hovering a cell shows its obs values.
//
// Colouring: by category (setColors), or by a value per cell such as a gene's
// expression (setValues: viridis, colour bar, high values on top).
// Exports PNG at a chosen scale or pixel size, SVG and PDF (vector, drawn with
// QPainter). Without an X display (e.g. QT_QPA_PLATFORM=offscreen, no Xvfb)
// the points are drawn with QPainter instead of VTK.
#include <QImage>
#include <QPolygon>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

#include "ui/views/DrawList.h"
#include "ui/views/OrbitProjection.h"
#include "ui/views/PointGrid.h"
#include "ui/views/ScatterData.h"
#include "ui/views/ViewTransform.h"

namespace scdfm::ui {

class VtkScatterRenderer;
class ScatterLegend;

class UmapView : public QWidget {
  Q_OBJECT
 public:
  // What a plain left-drag does: pan (None), or select a box or a lasso.
  enum class SelectionMode { None, Box, Lasso };
  Q_ENUM(SelectionMode)

  explicit UmapView(QWidget* parent = nullptr);
  ~UmapView() override;

  // Resets the view to fit the points and clears the selection. A 3-D
  // embedding fills ScatterData::z (one value per point).
  void setData(ScatterData data);
  // Colours by category (and leaves gene colouring). Keeps the view; keeps
  // categories hidden or on top when a category of the same name is there.
  void setColors(const std::vector<int>& category, const QStringList& names,
                 const std::vector<QColor>& colors, const QString& colorBy,
                 bool layerByCategory = false);
  // Colours by one value per point (e.g. label "KLF1 expression", unit
  // "log1p counts"; NaN = no value, grey) with a colour bar instead of the
  // legend; higher values are drawn on top. Categories stay (visibility,
  // switching back with setColors). Returns false, changing nothing, when
  // the number of values is not the number of points.
  bool setValues(const std::vector<float>& values, const QString& label, const QString& unit);
  bool showsValues() const { return data_.showsValues(); }
  const ScatterData& data() const { return data_; }

  // Layers: hide/show a category's points (legend clicks do the same), and
  // draw one category above all others (-1: none).
  void setCategoryVisible(int category, bool visible);
  bool isCategoryVisible(int category) const { return !data_.isCategoryHidden(category); }
  void setCategoryOnTop(int category);

  // Selection, as sorted point indices. Hidden points stay selected.
  void setSelectionMode(SelectionMode mode);
  SelectionMode selectionMode() const { return selectionMode_; }
  const std::vector<int>& selectedPoints() const { return selected_; }
  void setSelectedPoints(std::vector<int> points);
  void clearSelection() { setSelectedPoints({}); }

  // Point diameter in logical pixels (default 5) and opacity (0..1, default
  // 1); used on screen and in every export.
  void setPointSize(double pixels);
  double pointSize() const { return 2 * radius_; }
  void setOpacity(double opacity);
  double opacity() const { return opacity_; }

  void setTitle(const QString& title);
  QString title() const { return title_; }
  void setAxisLabels(const QString& x, const QString& y, const QString& z = QStringLiteral("UMAP 3"));
  // Text shown when hovering point i (e.g. its obs values).
  void setHoverText(std::function<QString(int)> f) { hoverText_ = std::move(f); }
  // Shown in the middle when there are no points.
  void setPlaceholder(const QString& text);

  // Fits the points and undoes a 3-D rotation.
  void resetView();
  bool isRotated() const { return !orbit_.isIdentity(); }
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
  // PNG is rendered at 2x the figure size (the view's size, at least 800x600).
  // Returns false and sets `error` when writing fails. Writes are atomic.
  bool exportFigure(const QString& path, QString* error = nullptr) const;
  // PNG at `scale` times the figure size (1 = 96 dpi, 2 = 192 dpi, ...).
  bool exportFigure(const QString& path, double scale, QString* error = nullptr) const;
  // PNG of exactly `pixelSize`, laid out like the figure (text keeps its size
  // relative to the figure's); SVG/PDF pages get the same layout.
  bool exportFigure(const QString& path, QSize pixelSize, QString* error = nullptr) const;
  // Largest PNG side and area exportFigure accepts.
  static constexpr int kMaxExportSide = 20000;
  static constexpr double kMaxExportPixels = 150e6;

  // The plot area (where points are drawn) in widget coordinates.
  QRect plotRect() const { return plotRectFor(rect()); }
  QPointF pixelOfPoint(int i) const;  // widget coordinates of point i (projected when 3-D)
  int hoveredPoint() const { return hovered_; }
  double lastFrameMs() const { return lastFrameMs_; }  // time of the last points render
  // Renders now if a frame is pending (tests, screenshots).
  void renderNow();

 signals:
  void pointHovered(int index);  // -1 when none
  void frameRendered(double milliseconds);
  void selectionChanged(const std::vector<int>& points);
  void categoryVisibilityChanged(int category, bool visible);

 protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void mouseDoubleClickEvent(QMouseEvent*) override;
  void wheelEvent(QWheelEvent*) override;
  void keyPressEvent(QKeyEvent*) override;
  void leaveEvent(QEvent*) override;

 private:
  enum class Gesture { None, Pan, Box, Lasso, Rotate };

  QRect plotRectFor(const QRect& area) const;
  ScatterLegend legend() const;
  ViewTransform viewFor(const QRect& plot) const;  // current zoom/centre for a plot size
  QSize defaultFigureSize() const;
  bool writeFigure(const QString& path, QSize figure, double scale, QSize pixels, QString* error) const;

  // Derived state, rebuilt lazily after changes (exports are const).
  void sceneChanged();                       // data, colours, visibility, selection or rotation changed
  void ensureScene() const;                  // projection and draw list up to date
  const std::vector<float>& positions() const;  // drawn 2-D positions (projected when 3-D); call ensureScene first
  const PointGrid& grid() const;

  void scheduleRender(bool restart = true);
  QImage renderPoints(const ViewTransform& view, double radius) const;  // VTK, or stamped discs
  QImage renderPointsWithVtk(const ViewTransform& view, double radius) const;
  // Vector exports: one circle per point.
  void drawPointsAsShapes(QPainter& p, const ViewTransform& view, const QPointF& offset, double radius) const;
  // Everything except the points: frame, axes, labels, title, legend.
  void drawDecorations(QPainter& p, const QRect& area, const QRect& plot, const ViewTransform& view) const;
  void drawAxisTriad(QPainter& p, const QRect& plot) const;  // 3-D: where the data's axes point
  void drawGesture(QPainter& p) const;                      // selection box / lasso being drawn
  void drawFigure(QPainter& p, const QRect& area, bool vectorPoints, double scale) const;
  void updateHover(const QPoint& pos);
  void finishSelection();

  ScatterData data_;
  ColorSummary summary_;  // counts and value range of the colouring (legend, colour map)
  QRectF fitBounds_;  // what resetView fits (for 3-D: a square holding every rotation)
  OrbitProjection orbit_;
  QString title_, xLabel_ = "UMAP 1", yLabel_ = "UMAP 2", zLabel_ = "UMAP 3", placeholder_;
  std::function<QString(int)> hoverText_;
  double radius_ = 2.5;  // point radius in logical pixels
  double opacity_ = 1;

  std::vector<int> selected_;       // sorted
  std::vector<char> selectedMask_;  // one flag per point (empty when nothing is selected)
  SelectionMode selectionMode_ = SelectionMode::None;

  mutable std::vector<float> projected_, depth_;  // 3-D only
  mutable DrawList list_;
  mutable PointGrid grid_;
  mutable bool sceneDirty_ = true, gridDirty_ = true, vtkDirty_ = true;

  // Zoom and centre, independent of widget size: pixelsPerUnit is relative to
  // the fitted view (zoom_ = 1 fits all points).
  double zoom_ = 1, centerX_ = 0, centerY_ = 0;
  Gesture gesture_ = Gesture::None;
  QPoint dragStart_, dragLast_;
  QPolygon lasso_;  // widget coordinates
  double dragCenterX_ = 0, dragCenterY_ = 0;
  int hovered_ = -1;

  std::unique_ptr<VtkScatterRenderer> vtk_;
  mutable QImage frame_;       // last rendered points (plot area, device pixels)
  ViewTransform frameView_;    // the view frame_ shows
  bool frameDirty_ = true;     // frame_ shows an older scene (still drawn until replaced)
  double lastFrameMs_ = 0;
  QTimer renderTimer_;         // throttles re-rendering during pan/zoom
};

}  // namespace scdfm::ui
