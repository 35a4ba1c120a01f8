#pragma once
// World (data) coordinates <-> pixels of a plot area, with equal scale on both
// axes (an embedding's distances mean the same in x and y). Shared by the VTK
// renderer (camera), the Qt overlay (axes, hover) and the vector export.
#include <QPointF>
#include <QRectF>
#include <QSize>

namespace scdfm::ui {

struct ViewTransform {
  double centerX = 0, centerY = 0;  // world point shown at the middle of the plot
  double pixelsPerUnit = 1;         // zoom
  QSize size;                       // plot area in pixels

  QPointF toPixel(double x, double y) const {
    return {size.width() / 2.0 + (x - centerX) * pixelsPerUnit, size.height() / 2.0 - (y - centerY) * pixelsPerUnit};
  }
  QPointF toWorld(QPointF p) const {
    return {centerX + (p.x() - size.width() / 2.0) / pixelsPerUnit,
            centerY - (p.y() - size.height() / 2.0) / pixelsPerUnit};
  }
  // Visible world rectangle (y up: top() is the smallest y).
  QRectF worldRect() const {
    double hw = size.width() / 2.0 / pixelsPerUnit, hh = size.height() / 2.0 / pixelsPerUnit;
    return QRectF(centerX - hw, centerY - hh, 2 * hw, 2 * hh);
  }
  // The same view at another resolution (export at 2x): same world rectangle.
  ViewTransform scaled(double factor) const {
    ViewTransform v = *this;
    v.pixelsPerUnit *= factor;
    v.size = QSize(qRound(size.width() * factor), qRound(size.height() * factor));
    return v;
  }
  // Fits world bounds into `plotSize` with a margin fraction on each side.
  static ViewTransform fit(const QRectF& bounds, QSize plotSize, double margin = 0.05) {
    ViewTransform v;
    v.size = plotSize;
    v.centerX = bounds.center().x();
    v.centerY = bounds.center().y();
    double w = std::max(bounds.width(), 1e-9) * (1 + 2 * margin);
    double h = std::max(bounds.height(), 1e-9) * (1 + 2 * margin);
    v.pixelsPerUnit = std::max(1e-12, std::min(plotSize.width() / w, plotSize.height() / h));
    return v;
  }
  bool operator==(const ViewTransform& o) const {
    return centerX == o.centerX && centerY == o.centerY && pixelsPerUnit == o.pixelsPerUnit && size == o.size;
  }
  bool operator!=(const ViewTransform& o) const { return !(*this == o); }
};

}  // namespace scdfm::ui
