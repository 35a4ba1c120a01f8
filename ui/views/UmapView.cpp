#include "ui/views/UmapView.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "ui/views/AxisTicks.h"
#include "ui/views/DiscStamp.h"
#include "ui/views/ScatterLegend.h"
#include "ui/views/VtkScatterRenderer.h"

namespace scdfm::ui {

namespace {
constexpr double kRadiansPerPixel = 0.01;  // right-drag rotation speed
constexpr int kMaxVtkTile = 4096;          // larger images are rendered in tiles (GL size limits)

// Calls f(index, pixel) for the drawn points (DrawList order) that can touch the view.
template <class F>
void forEachDrawnPoint(const std::vector<float>& xy, const DrawList& list, const ViewTransform& view, double radius,
                       F&& f) {
  const double margin = radius / view.pixelsPerUnit;
  const QRectF visible = view.worldRect().adjusted(-margin, -margin, margin, margin);
  for (std::int32_t i : list.order) {
    const double x = xy[2 * static_cast<std::size_t>(i)], y = xy[2 * static_cast<std::size_t>(i) + 1];
    if (visible.contains(x, y)) f(i, view.toPixel(x, y));
  }
}

// 3-D: the centre of the bounding box and a square around it that holds the
// points in every rotation, so that rotating never moves points out of view.
QRectF sphereBounds(const ScatterData& d, double centre[3]) {
  double lo[3], hi[3];
  for (int k = 0; k < 3; ++k) {
    lo[k] = std::numeric_limits<double>::infinity();
    hi[k] = -lo[k];
  }
  auto finite = [&](std::size_t i) {
    return std::isfinite(d.xy[2 * i]) && std::isfinite(d.xy[2 * i + 1]) && std::isfinite(d.z[i]);
  };
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (!finite(i)) continue;
    const double p[3] = {d.xy[2 * i], d.xy[2 * i + 1], d.z[i]};
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], p[k]);
      hi[k] = std::max(hi[k], p[k]);
    }
  }
  if (lo[0] > hi[0]) return {};
  for (int k = 0; k < 3; ++k) centre[k] = (lo[k] + hi[k]) / 2;
  double r2 = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (!finite(i)) continue;
    const double dx = d.xy[2 * i] - centre[0], dy = d.xy[2 * i + 1] - centre[1], dz = d.z[i] - centre[2];
    r2 = std::max(r2, dx * dx + dy * dy + dz * dz);
  }
  const double r = std::sqrt(r2);
  return QRectF(centre[0] - r, centre[1] - r, 2 * r, 2 * r);
}
}  // namespace

UmapView::UmapView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(320, 240);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::StrongFocus);
  renderTimer_.setSingleShot(true);
  connect(&renderTimer_, &QTimer::timeout, this, &UmapView::renderNow);
  QString why;
  if (VtkScatterRenderer::available(&why))
    vtk_ = std::make_unique<VtkScatterRenderer>();
  else
    qInfo("UmapView: drawing points with QPainter (%s)", qPrintable(why));
}

UmapView::~UmapView() = default;

QString UmapView::backendDescription() const {
  if (vtk_) return tr("VTK offscreen (vtkPointGaussianMapper)");
  QString why;
  VtkScatterRenderer::available(&why);
  return tr("QPainter (VTK unavailable: %1)").arg(why);
}

bool UmapView::setUseVtk(bool on) {
  if (on && !vtk_ && VtkScatterRenderer::available()) {
    vtk_ = std::make_unique<VtkScatterRenderer>();
    vtkDirty_ = true;
  } else if (!on) {
    vtk_.reset();
  }
  frameDirty_ = true;
  scheduleRender();
  update();
  return usesVtk();
}

// ---- data and colouring ---------------------------------------------------

void UmapView::setData(ScatterData data) {
  data_ = std::move(data);
  if (data_.dims() == 3) {
    double centre[3] = {0, 0, 0};
    fitBounds_ = sphereBounds(data_, centre);
    orbit_.setCentre(centre[0], centre[1], centre[2]);
  } else {
    fitBounds_ = data_.bounds();
    orbit_.setCentre(0, 0, 0);
  }
  summary_ = ColorSummary::of(data_);
  hovered_ = -1;
  gesture_ = Gesture::None;
  const bool hadSelection = !selected_.empty();
  selected_.clear();
  selectedMask_.clear();
  if (hadSelection) emit selectionChanged(selected_);
  resetView();
  sceneChanged();
}

void UmapView::setColors(const std::vector<int>& category, const QStringList& names,
                         const std::vector<QColor>& colors, const QString& colorBy, bool layerByCategory) {
  // Layers the user hid, or put on top, stay so when the new colouring has them by name.
  std::vector<bool> hidden(names.size(), false);
  for (int i = 0; i < names.size(); ++i) hidden[i] = data_.isCategoryHidden(data_.names.indexOf(names[i]));
  const bool hadTop = data_.topCategory >= 0 && data_.topCategory < data_.names.size();
  data_.topCategory = hadTop ? names.indexOf(data_.names[data_.topCategory]) : -1;
  data_.hidden = std::move(hidden);
  data_.layerByCategory = layerByCategory;
  data_.category = category;
  data_.names = names;
  data_.colors = colors;
  data_.colorBy = colorBy;
  data_.values.clear();
  data_.valueLabel.clear();
  data_.valueUnit.clear();
  summary_ = ColorSummary::of(data_);
  sceneChanged();
}

bool UmapView::setValues(const std::vector<float>& values, const QString& label, const QString& unit) {
  if (values.size() != data_.size()) {
    qWarning("UmapView::setValues: %zu values for %zu cells (%s); colouring unchanged", values.size(), data_.size(),
             qPrintable(label));
    return false;
  }
  data_.values = values;
  data_.valueLabel = label;
  data_.valueUnit = unit;
  summary_ = ColorSummary::of(data_);
  sceneChanged();
  return true;
}

void UmapView::setCategoryVisible(int category, bool visible) {
  if (category < 0 || category >= data_.names.size() || isCategoryVisible(category) == visible) return;
  data_.hidden.resize(data_.names.size(), false);
  data_.hidden[category] = !visible;
  hovered_ = -1;
  sceneChanged();
  emit categoryVisibilityChanged(category, visible);
}

void UmapView::setCategoryOnTop(int category) {
  data_.topCategory = category >= 0 && category < data_.names.size() ? category : -1;
  sceneChanged();
}

// ---- selection ------------------------------------------------------------

void UmapView::setSelectionMode(SelectionMode mode) { selectionMode_ = mode; }

void UmapView::setSelectedPoints(std::vector<int> points) {
  const int n = static_cast<int>(data_.size());
  points.erase(std::remove_if(points.begin(), points.end(), [n](int i) { return i < 0 || i >= n; }), points.end());
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points == selected_) return;
  selected_ = std::move(points);
  selectedMask_.assign(selected_.empty() ? 0 : data_.size(), 0);
  for (int i : selected_) selectedMask_[static_cast<std::size_t>(i)] = 1;
  sceneChanged();
  emit selectionChanged(selected_);
}

void UmapView::finishSelection() {
  const QRect plot = plotRect();
  const ViewTransform view = viewFor(plot);
  auto world = [&](QPoint p) { return view.toWorld(QPointF(p - plot.topLeft())); };
  std::vector<int> found;
  if (gesture_ == Gesture::Box) {
    const QRect box = QRect(dragStart_, dragLast_).normalized();
    if (box.width() >= 3 || box.height() >= 3) {
      const QPointF a = world(box.topLeft()), b = world(box.bottomRight());
      found = grid().inBox(std::min(a.x(), b.x()), std::min(a.y(), b.y()), std::max(a.x(), b.x()),
                           std::max(a.y(), b.y()));
    }
  } else if (gesture_ == Gesture::Lasso && lasso_.size() >= 3) {
    QPolygonF polygon;
    for (const QPoint& p : lasso_) polygon << world(p);
    found = grid().inPolygon(polygon);
  }
  setSelectedPoints(std::move(found));  // a click without a drag clears the selection
}

// ---- appearance -----------------------------------------------------------

void UmapView::setPointSize(double pixels) {
  radius_ = std::clamp(pixels, 0.5, 60.0) / 2;
  frameDirty_ = true;
  scheduleRender();
  update();
}

void UmapView::setOpacity(double opacity) {
  opacity_ = std::clamp(opacity, 0.02, 1.0);
  frameDirty_ = true;
  scheduleRender();
  update();
}

void UmapView::setTitle(const QString& title) {
  title_ = title;
  update();
}

void UmapView::setAxisLabels(const QString& x, const QString& y, const QString& z) {
  xLabel_ = x;
  yLabel_ = y;
  zLabel_ = z;
  update();
}

void UmapView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  update();
}

void UmapView::resetView() {
  zoom_ = 1;
  centerX_ = fitBounds_.center().x();
  centerY_ = fitBounds_.center().y();
  if (!orbit_.isIdentity()) {
    orbit_.reset();
    sceneChanged();
  }
  scheduleRender();
  update();
}

// ---- derived state --------------------------------------------------------

void UmapView::sceneChanged() {
  sceneDirty_ = true;
  frameDirty_ = true;
  scheduleRender();
  update();
}

void UmapView::ensureScene() const {
  if (!sceneDirty_) return;
  if (data_.dims() == 3) {
    orbit_.projectAll(data_, projected_, depth_);
  } else {
    projected_.clear();
    depth_.clear();
  }
  list_ = DrawList::build(data_, summary_, positions(), depth_, selectedMask_);
  sceneDirty_ = false;
  gridDirty_ = true;
  vtkDirty_ = true;
}

const std::vector<float>& UmapView::positions() const { return data_.dims() == 3 ? projected_ : data_.xy; }

const PointGrid& UmapView::grid() const {
  ensureScene();
  if (gridDirty_) {
    grid_ = PointGrid(positions(), &list_.order);
    gridDirty_ = false;
  }
  return grid_;
}

// ---- geometry -------------------------------------------------------------

ScatterLegend UmapView::legend() const { return ScatterLegend(data_, summary_); }

QRect UmapView::plotRectFor(const QRect& area) const {
  QFontMetrics fm(font());
  int top = title_.isEmpty() ? 12 : fm.height() * 2 + 6;
  int left = fm.height() + fm.horizontalAdvance("-00.0") + 16;
  int bottom = fm.height() * 2 + 14;
  int right = std::max(16, legend().width(font()) + 4);
  QRect r = area.adjusted(left, top, -right, -bottom);
  if (r.width() < 40 || r.height() < 40) r = area.adjusted(4, 4, -4, -4);
  return r;
}

ViewTransform UmapView::viewFor(const QRect& plot) const {
  QRectF b = fitBounds_;
  if (b.isNull()) b = QRectF(-1, -1, 2, 2);
  ViewTransform v = ViewTransform::fit(b, plot.size());
  v.pixelsPerUnit *= zoom_;
  v.centerX = centerX_;
  v.centerY = centerY_;
  return v;
}

QPointF UmapView::pixelOfPoint(int i) const {
  const QRect plot = plotRect();
  const std::size_t k = static_cast<std::size_t>(i);
  const QPointF p = data_.dims() == 3 ? orbit_.project(data_.xy[2 * k], data_.xy[2 * k + 1], data_.z[k])
                                      : QPointF(data_.xy[2 * k], data_.xy[2 * k + 1]);
  return viewFor(plot).toPixel(p.x(), p.y()) + QPointF(plot.topLeft());
}

// ---- rendering ------------------------------------------------------------

void UmapView::scheduleRender(bool restart) {
  // Debounced: the last frame is shown moved/scaled meanwhile. While dragging,
  // or when frames are slow (software GL, 200k cells: ~1-2 s), wait until the
  // interaction pauses so that a burst of wheel/drag events costs one render.
  if (!restart && renderTimer_.isActive()) return;
  const bool slow = lastFrameMs_ > 100;
  const bool dragging = gesture_ == Gesture::Pan || gesture_ == Gesture::Rotate;
  renderTimer_.start(dragging ? (slow ? 400 : 120) : (slow ? 250 : 10));
}

void UmapView::renderNow() {
  renderTimer_.stop();
  if (data_.size() == 0) {
    frame_ = {};
    return;
  }
  const double dpr = devicePixelRatioF();
  ViewTransform view = viewFor(plotRect()).scaled(dpr);
  if (view == frameView_ && !frameDirty_ && !frame_.isNull()) return;
  QElapsedTimer timer;
  timer.start();
  frame_ = renderPoints(view, radius_ * dpr);
  frame_.setDevicePixelRatio(dpr);
  frameView_ = view;
  frameDirty_ = false;
  lastFrameMs_ = timer.nsecsElapsed() / 1e6;
  update();
  emit frameRendered(lastFrameMs_);
}

QImage UmapView::renderPoints(const ViewTransform& view, double radius) const {
  ensureScene();
  if (vtk_) return renderPointsWithVtk(view, radius);
  QImage image(view.size, QImage::Format_RGB32);
  image.fill(Qt::white);
  const DiscStamp stamp(radius);
  forEachDrawnPoint(positions(), list_, view, radius, [&](std::int32_t i, QPointF at) {
    stamp.draw(image, at.x(), at.y(), list_.color[static_cast<std::size_t>(i)], opacity_);
  });
  return image;
}

QImage UmapView::renderPointsWithVtk(const ViewTransform& view, double radius) const {
  if (vtkDirty_) {
    vtk_->setPoints(positions(), list_);
    vtkDirty_ = false;
  }
  vtk_->setOpacity(opacity_);
  if (view.size.width() <= kMaxVtkTile && view.size.height() <= kMaxVtkTile) return vtk_->render(view, radius);
  // Big exports: tiles of the same view (same scale, shifted centre).
  QImage image(view.size, QImage::Format_RGB32);
  QPainter p(&image);
  for (int y = 0; y < view.size.height(); y += kMaxVtkTile)
    for (int x = 0; x < view.size.width(); x += kMaxVtkTile) {
      ViewTransform tile = view;
      tile.size = QSize(std::min(kMaxVtkTile, view.size.width() - x), std::min(kMaxVtkTile, view.size.height() - y));
      const QPointF centre = view.toWorld(QPointF(x + tile.size.width() / 2.0, y + tile.size.height() / 2.0));
      tile.centerX = centre.x();
      tile.centerY = centre.y();
      p.drawImage(QPoint(x, y), vtk_->render(tile, radius));
    }
  return image;
}

void UmapView::drawPointsAsShapes(QPainter& p, const ViewTransform& view, const QPointF& offset, double radius) const {
  // Same points, order and colours as the raster paths (DrawList), as real
  // circles (zero-length round-capped lines do not survive every SVG/PDF
  // viewer), in runs of one colour so that pen and brush change between runs only.
  ensureScene();
  const int alpha = qRound(opacity_ * 255);
  QRgb current = 0;
  bool first = true;
  forEachDrawnPoint(positions(), list_, view, radius, [&](std::int32_t i, QPointF at) {
    const QRgb rgb = list_.color[static_cast<std::size_t>(i)];
    if (first || rgb != current) {
      QColor color = QColor::fromRgb(rgb), rim = color.darker(140);
      color.setAlpha(alpha);
      rim.setAlpha(alpha);
      p.setPen(QPen(rim, radius * 0.35));
      p.setBrush(color);
      current = rgb;
      first = false;
    }
    p.drawEllipse(at + offset, radius, radius);
  });
}

void UmapView::drawDecorations(QPainter& p, const QRect& area, const QRect& plot, const ViewTransform& view) const {
  QFontMetrics fm(p.font());
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(QColor(90, 90, 90), 1));
  p.drawRect(plot.adjusted(0, 0, -1, -1));

  if (orbit_.isIdentity()) {
    // Ticks and their labels, in data units.
    QRectF world = view.worldRect();
    p.setPen(QColor(60, 60, 60));
    double sx = niceTickStep(world.width(), std::max(2, plot.width() / 90));
    for (double x = std::ceil(world.left() / sx) * sx; x <= world.right(); x += sx) {
      double px = plot.left() + view.toPixel(x, 0).x();
      p.drawLine(QPointF(px, plot.bottom()), QPointF(px, plot.bottom() + 4));
      QString t = tickLabel(x, sx);
      p.drawText(QPointF(px - fm.horizontalAdvance(t) / 2.0, plot.bottom() + 5 + fm.ascent()), t);
    }
    double sy = niceTickStep(world.height(), std::max(2, plot.height() / 70));
    for (double y = std::ceil(world.top() / sy) * sy; y <= world.bottom(); y += sy) {
      double py = plot.top() + view.toPixel(0, y).y();
      p.drawLine(QPointF(plot.left() - 4, py), QPointF(plot.left(), py));
      QString t = tickLabel(y, sy);
      p.drawText(QPointF(plot.left() - 6 - fm.horizontalAdvance(t), py + fm.ascent() / 2.0 - 1), t);
    }
    // Axis labels.
    p.setPen(Qt::black);
    p.drawText(QRect(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(), fm.height() + 4),
               Qt::AlignHCenter | Qt::AlignTop, xLabel_);
    p.save();
    p.translate(area.left() + 2, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-plot.height() / 2, 0, plot.height(), fm.height() + 2), Qt::AlignHCenter | Qt::AlignTop, yLabel_);
    p.restore();
  } else {
    // Rotated 3-D view: screen axes are no data axes, so no ticks; the triad
    // shows where the data's axes point.
    p.setPen(QColor(80, 80, 80));
    p.drawText(QRect(plot.left(), plot.bottom() + 6, plot.width(), fm.height() + 4), Qt::AlignHCenter | Qt::AlignTop,
               tr("rotated 3-D view (double-click to reset)"));
  }
  if (data_.dims() == 3) drawAxisTriad(p, plot);

  if (!title_.isEmpty()) {
    QFont bold = p.font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    p.save();
    p.setPen(Qt::black);
    p.setFont(bold);
    p.drawText(QRect(area.left(), area.top() + 2, area.width(), plot.top() - area.top() - 2),
               Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextSingleLine,
               QFontMetrics(bold).elidedText(title_, Qt::ElideMiddle, area.width() - 8));
    p.restore();
  }
  legend().draw(p, area, plot);
}

void UmapView::drawAxisTriad(QPainter& p, const QRect& plot) const {
  const QFontMetrics fm(p.font());
  const double length = 26;
  const QPointF origin(plot.left() + length + 14, plot.bottom() - length - 10);
  struct Axis {
    double depth;
    QPointF tip;
    QString label;
  };
  std::vector<Axis> axes;
  const QString labels[3] = {xLabel_, yLabel_, zLabel_};
  for (int k = 0; k < 3; ++k) {
    const auto a = orbit_.axisOnScreen(k);
    axes.push_back({a[2], origin + QPointF(a[0], -a[1]) * length, labels[k]});
  }
  // Farther axes first (and fainter), so the nearer ones are drawn over them.
  std::sort(axes.begin(), axes.end(), [](const Axis& a, const Axis& b) { return a.depth < b.depth; });
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(255, 255, 255, 200));
  p.drawEllipse(origin, length + 6, length + 6);
  for (const Axis& a : axes) {
    const QPointF d = a.tip - origin;
    const double len = std::hypot(d.x(), d.y());
    const QColor c = a.depth < -0.01 ? QColor(150, 150, 150) : QColor(40, 40, 40);
    p.setPen(QPen(c, 1.5));
    p.drawLine(origin, a.tip);
    if (len < 4) continue;  // pointing at (or away from) the viewer: no room for a label
    const QPointF at = a.tip + d / len * 8;
    const QRectF box(at.x() - fm.horizontalAdvance(a.label) / 2.0 - 1, at.y() - fm.height() / 2.0,
                     fm.horizontalAdvance(a.label) + 2, fm.height());
    p.setPen(c);
    p.drawText(box, Qt::AlignCenter, a.label);
  }
  p.restore();
}

void UmapView::drawGesture(QPainter& p) const {
  if (gesture_ != Gesture::Box && gesture_ != Gesture::Lasso) return;
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(QPen(QColor(20, 60, 160), 1.2, Qt::DashLine));
  p.setBrush(QColor(40, 100, 220, 35));
  if (gesture_ == Gesture::Box)
    p.drawRect(QRectF(QRect(dragStart_, dragLast_).normalized()));
  else
    p.drawPolygon(lasso_);
  p.restore();
}

void UmapView::drawFigure(QPainter& p, const QRect& area, bool vectorPoints, double scale) const {
  QRect plot = plotRectFor(area);
  ViewTransform view = viewFor(plot);
  p.fillRect(area, Qt::white);
  if (vectorPoints) {
    p.save();
    p.setClipRect(plot);
    p.setRenderHint(QPainter::Antialiasing);
    drawPointsAsShapes(p, view, QPointF(plot.topLeft()), radius_);
    p.restore();
  } else {
    QImage points = renderPoints(view.scaled(scale), radius_ * scale);
    points.setDevicePixelRatio(scale);
    p.drawImage(plot.topLeft(), points);
  }
  drawDecorations(p, area, plot, view);
}

void UmapView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  QRect plot = plotRect();
  if (data_.size() == 0) {
    p.setPen(QColor(110, 110, 110));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               placeholder_.isEmpty() ? tr("No embedding to show") : placeholder_);
    return;
  }
  ViewTransform view = viewFor(plot);
  ViewTransform deviceView = view.scaled(devicePixelRatioF());
  if (!frame_.isNull()) {
    p.save();
    p.setClipRect(plot);
    if (frameView_ == deviceView) {
      p.drawImage(plot.topLeft(), frame_);
    } else {
      // Show the last frame moved/scaled to the new view until the new one is rendered.
      QRectF w = frameView_.worldRect();
      QPointF a = view.toPixel(w.left(), w.bottom()), b = view.toPixel(w.right(), w.top());
      p.drawImage(QRectF(a, b).translated(plot.topLeft()), frame_);
    }
    p.restore();
  }
  if (frame_.isNull() || frameDirty_ || frameView_ != deviceView) scheduleRender(/*restart=*/false);
  drawDecorations(p, rect(), plot, view);
  if (hovered_ >= 0 && hovered_ < static_cast<int>(data_.size())) {
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::black, 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(pixelOfPoint(hovered_), radius_ + 3, radius_ + 3);
  }
  drawGesture(p);
}

void UmapView::resizeEvent(QResizeEvent*) { scheduleRender(); }

// ---- mouse and keyboard ---------------------------------------------------

void UmapView::mousePressEvent(QMouseEvent* e) {
  const QPoint pos = e->position().toPoint();
  const bool shift = e->modifiers() & Qt::ShiftModifier, ctrl = e->modifiers() & Qt::ControlModifier;
  if (e->button() == Qt::LeftButton) {
    const int category = legend().categoryAt(font(), plotRect(), pos);
    if (category >= 0) {
      setCategoryVisible(category, !isCategoryVisible(category));
      return;
    }
    if (ctrl || (selectionMode_ == SelectionMode::Lasso && !shift))
      gesture_ = Gesture::Lasso;
    else if (shift || selectionMode_ == SelectionMode::Box)
      gesture_ = Gesture::Box;
    else
      gesture_ = Gesture::Pan;
  } else if (e->button() == Qt::MiddleButton) {
    gesture_ = Gesture::Pan;
  } else if (e->button() == Qt::RightButton && data_.dims() == 3) {
    gesture_ = Gesture::Rotate;
  } else {
    return;
  }
  dragStart_ = dragLast_ = pos;
  dragCenterX_ = centerX_;
  dragCenterY_ = centerY_;
  lasso_ = QPolygon{pos};
  if (hovered_ != -1) {
    hovered_ = -1;
    QToolTip::hideText();
    emit pointHovered(-1);
  }
  setCursor(gesture_ == Gesture::Pan ? Qt::ClosedHandCursor : gesture_ == Gesture::Rotate ? Qt::SizeAllCursor
                                                                                          : Qt::CrossCursor);
}

void UmapView::mouseMoveEvent(QMouseEvent* e) {
  const QPoint pos = e->position().toPoint();
  switch (gesture_) {
    case Gesture::Pan: {
      double ppu = viewFor(plotRect()).pixelsPerUnit;
      centerX_ = dragCenterX_ - (pos.x() - dragStart_.x()) / ppu;
      centerY_ = dragCenterY_ + (pos.y() - dragStart_.y()) / ppu;
      scheduleRender();
      update();
      break;
    }
    case Gesture::Rotate:
      // Only the rotation changes here; the points are projected again when
      // the (debounced) frame is rendered, not on every mouse move.
      orbit_.rotate((pos.x() - dragLast_.x()) * kRadiansPerPixel, (pos.y() - dragLast_.y()) * kRadiansPerPixel);
      sceneChanged();
      break;
    case Gesture::Lasso:
      if ((pos - lasso_.last()).manhattanLength() >= 2) lasso_ << pos;
      update();
      break;
    case Gesture::Box:
      update();
      break;
    case Gesture::None: {
      updateHover(pos);
      const bool overLegend = legend().categoryAt(font(), plotRect(), pos) >= 0;
      if (overLegend) setCursor(Qt::PointingHandCursor);
      else unsetCursor();
      break;
    }
  }
  dragLast_ = pos;
}

void UmapView::mouseReleaseEvent(QMouseEvent* e) {
  if (gesture_ == Gesture::None) return;
  const bool ends = gesture_ == Gesture::Rotate ? e->button() == Qt::RightButton
                    : gesture_ == Gesture::Pan  ? e->button() == Qt::LeftButton || e->button() == Qt::MiddleButton
                                                : e->button() == Qt::LeftButton;
  if (!ends) return;
  dragLast_ = e->position().toPoint();
  if (gesture_ == Gesture::Box || gesture_ == Gesture::Lasso) finishSelection();
  gesture_ = Gesture::None;
  lasso_.clear();
  unsetCursor();
  scheduleRender();
  update();
}

void UmapView::mouseDoubleClickEvent(QMouseEvent* e) {
  // A quick second click on a legend entry toggles it again; elsewhere, reset.
  if (e->button() == Qt::LeftButton) {
    const int category = legend().categoryAt(font(), plotRect(), e->position().toPoint());
    if (category >= 0) {
      setCategoryVisible(category, !isCategoryVisible(category));
      return;
    }
  }
  resetView();
}

void UmapView::wheelEvent(QWheelEvent* e) {
  QRect plot = plotRect();
  QPointF pos = e->position() - QPointF(plot.topLeft());
  QPointF before = viewFor(plot).toWorld(pos);
  zoom_ = std::clamp(zoom_ * std::pow(1.0015, e->angleDelta().y()), 0.2, 2000.0);
  QPointF after = viewFor(plot).toWorld(pos);
  centerX_ += before.x() - after.x();
  centerY_ += before.y() - after.y();
  scheduleRender();
  update();
  e->accept();
}

void UmapView::keyPressEvent(QKeyEvent* e) {
  if (e->key() != Qt::Key_Escape) return QWidget::keyPressEvent(e);
  if (gesture_ == Gesture::Box || gesture_ == Gesture::Lasso) {
    gesture_ = Gesture::None;  // cancel the selection being drawn
    lasso_.clear();
    unsetCursor();
    update();
  } else {
    clearSelection();
  }
  e->accept();
}

void UmapView::leaveEvent(QEvent*) {
  if (hovered_ != -1) {
    hovered_ = -1;
    emit pointHovered(-1);
    update();
  }
}

void UmapView::updateHover(const QPoint& pos) {
  QRect plot = plotRect();
  int found = -1;
  if (plot.contains(pos) && data_.size() > 0) {
    ViewTransform view = viewFor(plot);
    QPointF w = view.toWorld(QPointF(pos - plot.topLeft()));
    found = grid().nearest(w.x(), w.y(), (radius_ + 4) / view.pixelsPerUnit);
  }
  if (found == hovered_) return;
  hovered_ = found;
  emit pointHovered(found);
  update();
  if (found >= 0) {
    QString text = hoverText_ ? hoverText_(found) : tr("cell %1").arg(found);
    QToolTip::showText(mapToGlobal(pos), text, this);
  } else {
    QToolTip::hideText();
  }
}

// ---- export ---------------------------------------------------------------

QImage UmapView::renderImage(QSize size, double scale) const {
  QImage image(size * scale, QImage::Format_RGB32);
  image.setDevicePixelRatio(scale);
  image.fill(Qt::white);
  QPainter p(&image);
  p.setFont(font());
  p.setRenderHint(QPainter::TextAntialiasing);
  drawFigure(p, QRect(QPoint(0, 0), size), /*vectorPoints=*/false, scale);
  return image;
}

QSize UmapView::defaultFigureSize() const { return size().expandedTo(QSize(800, 600)); }

bool UmapView::exportFigure(const QString& path, QString* error) const { return exportFigure(path, 2.0, error); }

bool UmapView::exportFigure(const QString& path, double scale, QString* error) const {
  const QSize figure = defaultFigureSize();
  return writeFigure(path, figure, scale, figure * scale, error);
}

bool UmapView::exportFigure(const QString& path, QSize pixelSize, QString* error) const {
  // The layout of the default figure, scaled to cover pixelSize (never laid
  // out smaller than the default, so text and points keep their proportions).
  const QSize base = defaultFigureSize();
  const bool usable = pixelSize.width() > 0 && pixelSize.height() > 0;  // else writeFigure says what is wrong
  const double scale = usable ? std::min(double(pixelSize.width()) / base.width(),
                                         double(pixelSize.height()) / base.height())
                              : 1.0;
  const QSize figure = usable ? QSize(static_cast<int>(std::ceil(pixelSize.width() / scale)),
                                      static_cast<int>(std::ceil(pixelSize.height() / scale)))
                              : base;
  return writeFigure(path, figure, scale, pixelSize, error);
}

bool UmapView::writeFigure(const QString& path, QSize figure, double scale, QSize pixels, QString* error) const {
  const QString suffix = QFileInfo(path).suffix().toLower();
  try {
    if (suffix == "png") {
      const double area = double(pixels.width()) * pixels.height();
      if (!(scale > 0) || pixels.width() < 16 || pixels.height() < 16 || pixels.width() > kMaxExportSide ||
          pixels.height() > kMaxExportSide || area > kMaxExportPixels)
        throw InputError(path.toStdString(), "image size",
                         QString("%1 × %2 pixels is not a size this figure can be written at")
                             .arg(pixels.width())
                             .arg(pixels.height())
                             .toStdString(),
                         QString("choose between 16 and %1 pixels a side and at most %2 megapixels")
                             .arg(kMaxExportSide)
                             .arg(kMaxExportPixels / 1e6)
                             .toStdString());
    }
    writeFileAtomically(path.toStdString(), [&](const std::string& tmp) {
      const QString tmpPath = QString::fromStdString(tmp);
      bool ok = true;
      if (suffix == "png") {
        QImage image = renderImage(figure, scale);
        if (image.size() != pixels) image = image.copy(QRect(QPoint(0, 0), pixels));
        ok = !image.isNull() && image.save(tmpPath, "PNG");
      } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setFileName(tmpPath);
        svg.setSize(figure);
        svg.setViewBox(QRect(QPoint(0, 0), figure));
        svg.setTitle(title_);
        svg.setDescription(tr("scDFM Studio embedding: %1 coloured by %2")
                               .arg(title_, data_.showsValues() ? data_.valueLabel : data_.colorBy));
        QPainter p;
        ok = p.begin(&svg);
        if (ok) {
          p.setFont(font());
          drawFigure(p, QRect(QPoint(0, 0), figure), true, 1);
          ok = p.end();
        }
      } else if (suffix == "pdf") {
        QPdfWriter pdf(tmpPath);
        pdf.setResolution(96);
        pdf.setPageSize(QPageSize(QSizeF(figure.width() * 72.0 / 96, figure.height() * 72.0 / 96), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(title_);
        pdf.setCreator("scDFM Studio");
        QPainter p;
        ok = p.begin(&pdf);
        if (ok) {
          p.setFont(font());
          drawFigure(p, QRect(QPoint(0, 0), figure), true, 1);
          ok = p.end();
        }
      } else {
        throw InputError(path.toStdString(), "", "unknown figure format '" + suffix.toStdString() + "'",
                         "use a file name ending in .png, .svg or .pdf");
      }
      if (!ok) throw InputError(path.toStdString(), "", "could not write the figure", "check that the folder is writable");
    });
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

}  // namespace scdfm::ui
