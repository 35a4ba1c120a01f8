#pragma once
// Shared by the UmapView tests: synthetic embeddings with known geometry,
// pixel grabbing and colour classification.
#include <QColor>
#include <QImage>
#include <QPointF>
#include <vector>

#include "ui/views/ScatterData.h"

namespace scdfm::ui {
class UmapView;
}

namespace scdfm::test {

inline const QColor kRed(220, 30, 30), kGreen(30, 160, 40), kBlue(30, 60, 220);

// Three clusters of 400 points (Gaussian, sd 0.4) around (0,0), (10,0), (5,8),
// categories 0, 1, 2 ("control", "observed", "predicted") in red, green, blue.
// The first point of each cluster sits exactly at its centre (its index is
// appended to centreIndex when given).
scdfm::ui::ScatterData threeClusters(std::vector<int>* centreIndex = nullptr, int perCluster = 400);

// The closest of `candidates` (by RGB distance).
QColor closestOf(QColor px, const std::vector<QColor>& candidates);
// The closest of red, green, blue, white and black: point rims are drawn
// darker, so exact equality is not expected at every pixel.
QColor classify(QColor px);
bool near(QColor a, QColor b, int tol = 40);

// Presses `button` at path[0] (with `modifiers`), moves through the rest of
// the path and releases at its last point, as a user's drag would.
void drag(scdfm::ui::UmapView& view, Qt::MouseButton button, Qt::KeyboardModifiers modifiers,
          const std::vector<QPointF>& path);
// Backends to run a pixel test with: QPainter, and VTK when it can render here.
std::vector<bool> vtkChoices();

// Renders pending frames and grabs the widget (device pixels).
QImage grabView(scdfm::ui::UmapView& view);
// Colour of the grabbed image at widget position `p`.
QColor colorAt(const QImage& image, QPointF p);

}  // namespace scdfm::test
