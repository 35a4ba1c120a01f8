#include "ui/views/UmapView.h"

#include <QFileInfo>
#include <QMouseEvent>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "ui/views/VtkScatterRenderer.h"

namespace scdfm::ui {

namespace {
constexpr int kMaxLegendRows = 30;

// 1, 2 or 5 times a power of ten, giving about `target` ticks over `range`.
double niceStep(double range, int target) {
  if (!(range > 0)) return 1;
  double raw = range / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  double step = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return step * mag;
}

QString tickText(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0;
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return QString::number(v, 'f', decimals);
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
    pushColorsToRenderer();
  } else if (!on) {
    vtk_.reset();
  }
  frameView_ = {};
  scheduleRender();
  update();
  return usesVtk();
}

void UmapView::setData(ScatterData data) {
  data_ = std::move(data);
  grid_ = PointGrid(data_.xy);
  hovered_ = -1;
  pushColorsToRenderer();
  resetView();
}

void UmapView::setColors(const std::vector<int>& category, const QStringList& names,
                         const std::vector<QColor>& colors, const QString& colorBy, bool layerByCategory) {
  data_.layerByCategory = layerByCategory;
  data_.category = category;
  data_.names = names;
  data_.colors = colors;
  data_.colorBy = colorBy;
  pushColorsToRenderer();
  frameView_ = {};
  scheduleRender();
  update();
}

void UmapView::pushColorsToRenderer() {
  if (!vtk_) return;
  // Same order as the QPainter path (ScatterData::drawingOrder).
  std::vector<QColor> perPoint(data_.size());
  std::vector<int> layer(data_.size(), 0);
  for (std::size_t i = 0; i < perPoint.size(); ++i) {
    perPoint[i] = data_.colorOf(i);
    layer[i] = data_.layerOf(i);
  }
  vtk_->setPoints(data_.xy, perPoint, layer);
}

void UmapView::setTitle(const QString& title) {
  title_ = title;
  update();
}

void UmapView::setAxisLabels(const QString& x, const QString& y) {
  xLabel_ = x;
  yLabel_ = y;
  update();
}

void UmapView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  update();
}

void UmapView::resetView() {
  QRectF b = data_.bounds();
  zoom_ = 1;
  centerX_ = b.center().x();
  centerY_ = b.center().y();
  frameView_ = {};
  scheduleRender();
  update();
}

int UmapView::legendWidth(const QFontMetrics& fm) const {
  if (data_.names.isEmpty()) return 0;
  int w = fm.horizontalAdvance(data_.colorBy) + 8;
  std::vector<int> counts = data_.countsPerCategory();
  for (int i = 0; i < data_.names.size() && i < kMaxLegendRows; ++i)
    w = std::max(w, fm.height() + 6 + fm.horizontalAdvance(QString("%1 (%2)").arg(data_.names[i]).arg(counts[i])));
  return std::min(w + 8, 260);
}

QRect UmapView::plotRectFor(const QRect& area) const {
  QFontMetrics fm(font());
  int top = title_.isEmpty() ? 12 : fm.height() * 2 + 6;
  int left = fm.height() + fm.horizontalAdvance("-00.0") + 16;
  int bottom = fm.height() * 2 + 14;
  int right = legendWidth(fm) + 16;
  QRect r = area.adjusted(left, top, -right, -bottom);
  if (r.width() < 40 || r.height() < 40) r = area.adjusted(4, 4, -4, -4);
  return r;
}

ViewTransform UmapView::viewFor(const QRect& plot) const {
  QRectF b = data_.bounds();
  if (b.isNull()) b = QRectF(-1, -1, 2, 2);
  ViewTransform v = ViewTransform::fit(b, plot.size());
  v.pixelsPerUnit *= zoom_;
  v.centerX = centerX_;
  v.centerY = centerY_;
  return v;
}

QPointF UmapView::pixelOfPoint(int i) const {
  QRect plot = plotRect();
  return viewFor(plot).toPixel(data_.xy[2 * i], data_.xy[2 * i + 1]) + QPointF(plot.topLeft());
}

void UmapView::scheduleRender(bool restart) {
  // Debounced: the last frame is shown moved/scaled meanwhile. While dragging,
  // or when frames are slow (software GL, 200k cells: ~1-2 s), wait until the
  // interaction pauses so that a burst of wheel/drag events costs one render.
  if (!restart && renderTimer_.isActive()) return;
  const bool slow = lastFrameMs_ > 100;
  renderTimer_.start(dragging_ ? (slow ? 400 : 120) : (slow ? 250 : 10));
}

void UmapView::renderNow() {
  renderTimer_.stop();
  if (data_.size() == 0) {
    frame_ = {};
    return;
  }
  const double dpr = devicePixelRatioF();
  ViewTransform view = viewFor(plotRect()).scaled(dpr);
  if (view == frameView_ && !frame_.isNull()) return;
  QElapsedTimer timer;
  timer.start();
  frame_ = renderPoints(view, radius_ * dpr);
  frame_.setDevicePixelRatio(dpr);
  frameView_ = view;
  lastFrameMs_ = timer.nsecsElapsed() / 1e6;
  update();
  emit frameRendered(lastFrameMs_);
}

QImage UmapView::renderPoints(const ViewTransform& view, double radius) const {
  if (vtk_) return vtk_->render(view, radius);
  QImage image(view.size, QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  drawPointsWithPainter(p, view, QPointF(0, 0), radius);
  return image;
}

void UmapView::drawPointsWithPainter(QPainter& p, const ViewTransform& view, const QPointF& offset,
                                     double radius) const {
  // Same order as the VTK renderer (ScatterData::drawingOrder), drawn in runs
  // of one colour so that the pen changes only between runs.
  const bool vector = p.device()->devType() != QInternal::Image;
  const double margin = radius / view.pixelsPerUnit;
  const QRectF visible = view.worldRect().adjusted(-margin, -margin, margin, margin);
  std::vector<QPointF> run;
  QColor runColor;
  auto flush = [&] {
    if (run.empty()) return;
    if (vector) {
      // Real circles: zero-length round-capped lines do not survive every SVG/PDF viewer.
      p.setPen(QPen(runColor.darker(140), radius * 0.35));
      p.setBrush(runColor);
      for (const QPointF& c : run) p.drawEllipse(c, radius, radius);
    } else {
      p.setPen(QPen(runColor, 2 * radius, Qt::SolidLine, Qt::RoundCap));
      p.drawPoints(run.data(), static_cast<int>(run.size()));
    }
    run.clear();
  };
  for (std::size_t i : data_.drawingOrder()) {
    double x = data_.xy[2 * i], y = data_.xy[2 * i + 1];
    if (!visible.contains(x, y)) continue;
    QColor color = data_.colorOf(i);
    if (color != runColor) {
      flush();
      runColor = color;
    }
    run.push_back(view.toPixel(x, y) + offset);
  }
  flush();
}

void UmapView::drawDecorations(QPainter& p, const QRect& area, const QRect& plot, const ViewTransform& view) const {
  QFontMetrics fm(p.font());
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(QColor(90, 90, 90), 1));
  p.drawRect(plot.adjusted(0, 0, -1, -1));

  // Ticks and their labels, in data units.
  QRectF world = view.worldRect();
  p.setPen(QColor(60, 60, 60));
  double sx = niceStep(world.width(), std::max(2, plot.width() / 90));
  for (double x = std::ceil(world.left() / sx) * sx; x <= world.right(); x += sx) {
    double px = plot.left() + view.toPixel(x, 0).x();
    p.drawLine(QPointF(px, plot.bottom()), QPointF(px, plot.bottom() + 4));
    QString t = tickText(x, sx);
    p.drawText(QPointF(px - fm.horizontalAdvance(t) / 2.0, plot.bottom() + 5 + fm.ascent()), t);
  }
  double sy = niceStep(world.height(), std::max(2, plot.height() / 70));
  for (double y = std::ceil(world.top() / sy) * sy; y <= world.bottom(); y += sy) {
    double py = plot.top() + view.toPixel(0, y).y();
    p.drawLine(QPointF(plot.left() - 4, py), QPointF(plot.left(), py));
    QString t = tickText(y, sy);
    p.drawText(QPointF(plot.left() - 6 - fm.horizontalAdvance(t), py + fm.ascent() / 2.0 - 1), t);
  }

  // Axis labels and title.
  p.setPen(Qt::black);
  p.drawText(QRect(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(), fm.height() + 4),
             Qt::AlignHCenter | Qt::AlignTop, xLabel_);
  p.save();
  p.translate(area.left() + 2, plot.center().y());
  p.rotate(-90);
  p.drawText(QRect(-plot.height() / 2, 0, plot.height(), fm.height() + 2), Qt::AlignHCenter | Qt::AlignTop, yLabel_);
  p.restore();
  if (!title_.isEmpty()) {
    QFont bold = p.font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    p.save();
    p.setFont(bold);
    p.drawText(QRect(area.left(), area.top() + 2, area.width(), plot.top() - area.top() - 2),
               Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextSingleLine,
               QFontMetrics(bold).elidedText(title_, Qt::ElideMiddle, area.width() - 8));
    p.restore();
  }

  // Legend: a labelled swatch for every category (the first kMaxLegendRows).
  if (!data_.names.isEmpty()) {
    p.setRenderHint(QPainter::Antialiasing, true);
    int x = plot.right() + 12, y = plot.top();
    QFont bold = p.font();
    bold.setBold(true);
    p.save();
    p.setFont(bold);
    p.drawText(QPointF(x, y + fm.ascent()), QFontMetrics(bold).elidedText(data_.colorBy, Qt::ElideRight, area.right() - x));
    p.restore();
    y += fm.height() + 4;
    std::vector<int> counts = data_.countsPerCategory();
    const int rowH = fm.height() + 2;
    for (int i = 0; i < data_.names.size(); ++i) {
      if (i == kMaxLegendRows) {
        p.drawText(QPointF(x, y + fm.ascent()), tr("… %1 more").arg(data_.names.size() - kMaxLegendRows));
        break;
      }
      double r = fm.height() * 0.3;
      p.setPen(QPen(data_.colors[i].darker(140), 1));
      p.setBrush(data_.colors[i]);
      p.drawEllipse(QPointF(x + fm.height() / 2.0, y + rowH / 2.0), r, r);
      p.setPen(Qt::black);
      QString label = QString("%1 (%2)").arg(data_.names[i]).arg(counts[i]);
      p.drawText(QPointF(x + fm.height() + 4, y + fm.ascent()),
                 fm.elidedText(label, Qt::ElideRight, area.right() - x - fm.height() - 6));
      y += rowH;
    }
  }
}

void UmapView::drawFigure(QPainter& p, const QRect& area, bool vectorPoints, double scale) const {
  QRect plot = plotRectFor(area);
  ViewTransform view = viewFor(plot);
  p.fillRect(area, Qt::white);
  if (vectorPoints) {
    p.save();
    p.setClipRect(plot);
    p.setRenderHint(QPainter::Antialiasing);
    drawPointsWithPainter(p, view, QPointF(plot.topLeft()), radius_);
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
  if (frame_.isNull() || frameView_ != deviceView) scheduleRender(/*restart=*/false);
  drawDecorations(p, rect(), plot, view);
  if (hovered_ >= 0 && hovered_ < static_cast<int>(data_.size())) {
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::black, 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(pixelOfPoint(hovered_), radius_ + 3, radius_ + 3);
  }
}

void UmapView::resizeEvent(QResizeEvent*) { scheduleRender(); }

void UmapView::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return;
  dragging_ = true;
  dragStart_ = e->position().toPoint();
  dragCenterX_ = centerX_;
  dragCenterY_ = centerY_;
  setCursor(Qt::ClosedHandCursor);
}

void UmapView::mouseMoveEvent(QMouseEvent* e) {
  QPoint pos = e->position().toPoint();
  if (dragging_) {
    double ppu = viewFor(plotRect()).pixelsPerUnit;
    centerX_ = dragCenterX_ - (pos.x() - dragStart_.x()) / ppu;
    centerY_ = dragCenterY_ + (pos.y() - dragStart_.y()) / ppu;
    scheduleRender();
    update();
    return;
  }
  updateHover(pos);
}

void UmapView::mouseReleaseEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton || !dragging_) return;
  dragging_ = false;
  unsetCursor();
  scheduleRender();
}

void UmapView::mouseDoubleClickEvent(QMouseEvent*) { resetView(); }

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
  if (plot.contains(pos) && !grid_.empty()) {
    ViewTransform view = viewFor(plot);
    QPointF w = view.toWorld(QPointF(pos - plot.topLeft()));
    found = grid_.nearest(w.x(), w.y(), (radius_ + 4) / view.pixelsPerUnit);
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

bool UmapView::exportFigure(const QString& path, QString* error) const {
  const QString suffix = QFileInfo(path).suffix().toLower();
  const QSize figure = size().expandedTo(QSize(800, 600));
  try {
    writeFileAtomically(path.toStdString(), [&](const std::string& tmp) {
      const QString tmpPath = QString::fromStdString(tmp);
      bool ok = true;
      if (suffix == "png") {
        ok = renderImage(figure, 2.0).save(tmpPath, "PNG");
      } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setFileName(tmpPath);
        svg.setSize(figure);
        svg.setViewBox(QRect(QPoint(0, 0), figure));
        svg.setTitle(title_);
        svg.setDescription(tr("scDFM Studio embedding: %1 coloured by %2").arg(title_, data_.colorBy));
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
