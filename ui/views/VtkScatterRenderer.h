#pragma once
// Draws a coloured 2-D point cloud with VTK into an image, offscreen.
// Why offscreen: VTK 9.1's Qt widget is Qt 5 only and hosting a
// vtkGenericOpenGLRenderWindow in Qt 6's QOpenGLWidget stayed black (see
// design.md). VTK renders into its own hidden X/GLX window; the view paints
// the resulting QImage. Debian's VTK 9.1 has only the X backend (no EGL or
// OSMesa), so an X display is needed (Xvfb works, with Mesa llvmpipe).
// No VTK types in this header: it is included by Qt code.
#include <QColor>
#include <QImage>
#include <QString>
#include <memory>
#include <vector>

#include "ui/views/DrawList.h"
#include "ui/views/ViewTransform.h"

namespace scdfm::ui {

class VtkScatterRenderer {
 public:
  // Whether VTK can render here: an X display that answers and has GLX.
  // Checked once (VTK aborts the process on a bad display, so we ask first).
  // SCDFM_NO_VTK=1 forces false. `why` says what is missing when false.
  static bool available(QString* why = nullptr);

  VtkScatterRenderer();
  ~VtkScatterRenderer();
  VtkScatterRenderer(const VtkScatterRenderer&) = delete;
  VtkScatterRenderer& operator=(const VtkScatterRenderer&) = delete;

  // Points as x0 y0 x1 y1 ...; draws the points of `list.order` in that
  // order (later on top) in their `list.color`.
  void setPoints(const std::vector<float>& xy, const DrawList& list);
  // 1 = opaque; below 1 points blend over the ones drawn before them.
  void setOpacity(double opacity);
  void setBackground(const QColor& c);
  // Renders the view (plot-area pixels) with points of `radiusPixels`.
  QImage render(const ViewTransform& view, double radiusPixels);
  // Milliseconds the last render() took.
  double lastRenderMs() const { return lastMs_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> d_;
  double lastMs_ = 0;
};

}  // namespace scdfm::ui
