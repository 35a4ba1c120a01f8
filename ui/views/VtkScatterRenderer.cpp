#include "ui/views/VtkScatterRenderer.h"

// vtk_glew.h must precede any Qt OpenGL header (design.md); none is used here.
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPointGaussianMapper.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

#include <QElapsedTimer>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

namespace scdfm::ui {

namespace {
// Opens the display through libX11/libGL loaded at run time, so that the probe
// needs no extra link dependency and cannot abort like VTK does.
bool probeDisplay(QString* why) {
  const char* env = std::getenv("SCDFM_NO_VTK");
  if (env && *env && std::strcmp(env, "0") != 0) {
    if (why) *why = "SCDFM_NO_VTK is set";
    return false;
  }
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display) {
    if (why) *why = "no X display (DISPLAY is not set); run under Xvfb (xvfb-run) for VTK rendering";
    return false;
  }
  void* x11 = dlopen("libX11.so.6", RTLD_NOW | RTLD_LOCAL);
  void* gl = dlopen("libGL.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!x11 || !gl) {
    if (why) *why = "libX11 or libGL could not be loaded";
    return false;
  }
  using OpenFn = void* (*)(const char*);
  using CloseFn = int (*)(void*);
  using QueryFn = int (*)(void*, int*, int*);
  auto open = reinterpret_cast<OpenFn>(dlsym(x11, "XOpenDisplay"));
  auto close = reinterpret_cast<CloseFn>(dlsym(x11, "XCloseDisplay"));
  auto query = reinterpret_cast<QueryFn>(dlsym(gl, "glXQueryExtension"));
  if (!open || !close || !query) {
    if (why) *why = "X11/GLX entry points missing";
    return false;
  }
  void* dpy = open(nullptr);
  if (!dpy) {
    if (why) *why = QString("cannot open X display %1").arg(display);
    return false;
  }
  int errorBase = 0, eventBase = 0;
  bool glx = query(dpy, &errorBase, &eventBase) != 0;
  close(dpy);
  if (!glx && why) *why = QString("X display %1 has no GLX").arg(display);
  return glx;  // libraries stay loaded: VTK uses them anyway
}

// Flat discs with a thin darker rim: exact category colours in the middle
// (no lighting, no Gaussian falloff) and separable neighbours.
const char* kDiscShader =
    "//VTK::Color::Impl\n"
    "float dist = dot(offsetVCVSOutput.xy, offsetVCVSOutput.xy);\n"
    "if (dist > 1.0) { discard; }\n"
    "if (dist > 0.64) { diffuseColor *= 0.7; ambientColor *= 0.7; }\n";

// Points lie at 0 < z < kDepthRange; the camera looks down from kCameraZ.
constexpr double kDepthRange = 0.5;
constexpr double kCameraZ = 10;
}  // namespace

bool VtkScatterRenderer::available(QString* why) {
  static QString reason;
  static const bool ok = probeDisplay(&reason);
  if (why) *why = reason;
  return ok;
}

struct VtkScatterRenderer::Impl {
  vtkNew<vtkRenderWindow> window;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkPolyData> poly;
  vtkNew<vtkPointGaussianMapper> mapper;
  vtkNew<vtkActor> actor;
  Impl() {
    window->SetOffScreenRendering(1);
    window->SetMultiSamples(0);
    window->AddRenderer(renderer);
    renderer->SetBackground(1, 1, 1);
    mapper->SetInputData(poly);
    mapper->EmissiveOff();
    mapper->SetColorModeToDirectScalars();
    mapper->ScalarVisibilityOn();
    mapper->SetSplatShaderCode(kDiscShader);
    actor->SetMapper(mapper);
    // Always drawn in the opaque pass, whose blending (with depth writes) puts
    // each point over the ones before it. As translucent geometry VTK 9.1
    // would use order-independent transparency, which averages overlapping
    // points instead of layering them in our drawing order.
    actor->ForceOpaqueOn();
    renderer->AddActor(actor);
    vtkCamera* cam = renderer->GetActiveCamera();
    cam->ParallelProjectionOn();
  }
};

VtkScatterRenderer::VtkScatterRenderer() : d_(std::make_unique<Impl>()) {}
VtkScatterRenderer::~VtkScatterRenderer() = default;

void VtkScatterRenderer::setPoints(const std::vector<float>& xy, const DrawList& list) {
  const vtkIdType n = static_cast<vtkIdType>(list.order.size());
  vtkNew<vtkPoints> points;
  points->SetDataTypeToFloat();
  points->SetNumberOfPoints(n);
  vtkNew<vtkUnsignedCharArray> rgb;
  rgb->SetNumberOfComponents(3);
  rgb->SetNumberOfTuples(n);
  for (vtkIdType k = 0; k < n; ++k) {
    const std::size_t i = static_cast<std::size_t>(list.order[static_cast<std::size_t>(k)]);
    // Depth encodes the drawing order (the camera looks down -z; larger z is
    // nearer), so the depth test keeps later points on top; the array order is
    // the drawing order too, which is what blending needs when translucent.
    points->SetPoint(k, xy[2 * i], xy[2 * i + 1], kDepthRange * double(k + 1) / double(n + 1));
    const QRgb c = list.color[i];
    unsigned char v[3] = {static_cast<unsigned char>(qRed(c)), static_cast<unsigned char>(qGreen(c)),
                          static_cast<unsigned char>(qBlue(c))};
    rgb->SetTypedTuple(k, v);
  }
  d_->poly->SetPoints(points);
  d_->poly->GetPointData()->SetScalars(rgb);
  d_->poly->Modified();
}

void VtkScatterRenderer::setOpacity(double opacity) {
  d_->actor->GetProperty()->SetOpacity(std::clamp(opacity, 0.0, 1.0));
}

void VtkScatterRenderer::setBackground(const QColor& c) {
  d_->renderer->SetBackground(c.redF(), c.greenF(), c.blueF());
}

QImage VtkScatterRenderer::render(const ViewTransform& view, double radiusPixels) {
  QElapsedTimer timer;
  timer.start();
  const int w = std::max(1, view.size.width()), h = std::max(1, view.size.height());
  d_->window->SetSize(w, h);
  vtkCamera* cam = d_->renderer->GetActiveCamera();
  cam->SetFocalPoint(view.centerX, view.centerY, 0);
  cam->SetPosition(view.centerX, view.centerY, kCameraZ);
  cam->SetViewUp(0, 1, 0);
  cam->SetParallelScale(h / 2.0 / view.pixelsPerUnit);  // half the height, in world units
  // A tight depth range: the drawing order of 200k+ points needs the depth
  // buffer's resolution (24 bits over this range).
  cam->SetClippingRange(kCameraZ - kDepthRange - 0.25, kCameraZ + 0.25);
  d_->mapper->SetScaleFactor(radiusPixels / view.pixelsPerUnit);
  d_->window->Render();
  // Bottom-up RGB rows from VTK; QImage wants top-down.
  unsigned char* pixels = d_->window->GetPixelData(0, 0, w - 1, h - 1, /*front=*/0, /*right=*/0);
  QImage image(w, h, QImage::Format_RGB888);
  for (int y = 0; y < h; ++y) std::memcpy(image.scanLine(h - 1 - y), pixels + std::size_t(y) * w * 3, std::size_t(w) * 3);
  delete[] pixels;
  lastMs_ = timer.nsecsElapsed() / 1e6;
  return image;
}

}  // namespace scdfm::ui
