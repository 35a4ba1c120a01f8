#include "UmapTestSupport.h"

#include <QApplication>
#include <QMouseEvent>
#include <climits>
#include <random>

#include "ui/views/UmapView.h"
#include "ui/views/VtkScatterRenderer.h"

namespace scdfm::test {

scdfm::ui::ScatterData threeClusters(std::vector<int>* centreIndex, int perCluster) {
  scdfm::ui::ScatterData d;
  const double cx[] = {0, 10, 5}, cy[] = {0, 0, 8};
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 0.4);
  for (int c = 0; c < 3; ++c) {
    if (centreIndex) centreIndex->push_back(static_cast<int>(d.size()));
    for (int i = 0; i < perCluster; ++i) {
      d.xy.push_back(static_cast<float>(cx[c] + (i ? noise(rng) : 0)));
      d.xy.push_back(static_cast<float>(cy[c] + (i ? noise(rng) : 0)));
      d.category.push_back(c);
    }
  }
  d.names = {"control", "observed", "predicted"};
  d.colors = {kRed, kGreen, kBlue};
  d.colorBy = "kind";
  return d;
}

QColor closestOf(QColor px, const std::vector<QColor>& candidates) {
  QColor best;
  int bestD = INT_MAX;
  for (const QColor& c : candidates) {
    int d = (px.red() - c.red()) * (px.red() - c.red()) + (px.green() - c.green()) * (px.green() - c.green()) +
            (px.blue() - c.blue()) * (px.blue() - c.blue());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

QColor classify(QColor px) { return closestOf(px, {kRed, kGreen, kBlue, QColor(Qt::white), QColor(Qt::black)}); }

bool near(QColor a, QColor b, int tol) {
  return std::abs(a.red() - b.red()) <= tol && std::abs(a.green() - b.green()) <= tol &&
         std::abs(a.blue() - b.blue()) <= tol;
}

void drag(scdfm::ui::UmapView& view, Qt::MouseButton button, Qt::KeyboardModifiers modifiers,
          const std::vector<QPointF>& path) {
  auto send = [&](QEvent::Type type, QPointF p, Qt::MouseButton b, Qt::MouseButtons held) {
    QMouseEvent e(type, p, view.mapToGlobal(p), b, held, modifiers);
    QApplication::sendEvent(&view, &e);
  };
  send(QEvent::MouseButtonPress, path.front(), button, button);
  for (std::size_t k = 1; k < path.size(); ++k) send(QEvent::MouseMove, path[k], Qt::NoButton, button);
  send(QEvent::MouseButtonRelease, path.back(), button, Qt::NoButton);
}

std::vector<bool> vtkChoices() {
  if (scdfm::ui::VtkScatterRenderer::available()) return {false, true};
  return {false};
}

QImage grabView(scdfm::ui::UmapView& view) {
  view.renderNow();
  return view.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

QColor colorAt(const QImage& image, QPointF p) {
  return image.pixelColor((p * image.devicePixelRatio()).toPoint());
}

}  // namespace scdfm::test
