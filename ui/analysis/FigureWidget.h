#pragma once
// Base of the analysis plots: a QCustomPlot under an optional row of controls
// and an inline notice (e.g. "no observed cells"), with "Export figure…" in the
// context menu and exportTo() for callers. Subclasses fill the plot.
#include <QWidget>

#include "ui/analysis/PlotExport.h"

class QCustomPlot;
class QCPItemText;
class QCPTextElement;
class QHBoxLayout;
class QLabel;
class QVBoxLayout;
class QMenu;

namespace scdfm::ui {

class FigureWidget : public QWidget {
  Q_OBJECT
 public:
  explicit FigureWidget(QWidget* parent = nullptr);

  QCustomPlot* plot() const { return plot_; }
  // Writes the figure (PNG/SVG/PDF by suffix); "" on success, else the error.
  QString exportTo(const QString& path, const FigureExportOptions& options = {}) const;
  // The notice above the plot ("" hides it).
  QString notice() const;
  // The figure title (shown above the plot, part of every export).
  QString title() const;
  // A file name (without suffix) for exports, e.g. "KLF1_delta_scatter".
  virtual QString figureName() const { return QStringLiteral("figure"); }

 protected:
  void setNotice(const QString& text);
  void setTitle(const QString& text);
  // Clears the plot and shows `text` in its middle (part of exports, unlike the notice).
  void showPlaceholder(const QString& text);
  // The row above the plot where subclasses put their controls.
  QHBoxLayout* controlsRow() const { return controls_; }
  // Puts a widget in its own row between the notice and the plot.
  void addRowAbovePlot(QWidget* widget);
  // Adds entries to the context menu before "Export figure…" (e.g. CSV export).
  virtual void addContextActions(QMenu& menu) {}
  // Removes every plottable and item and hides the legend (axes and title stay).
  void clearPlot();
  // Tooltip for the mouse at `plotPos` (plot widget coordinates); "" shows none.
  virtual QString hoverText(const QPoint& plotPos) const { return {}; }
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void showContextMenu(const QPoint& pos);

  QCustomPlot* plot_ = nullptr;
  QCPTextElement* title_ = nullptr;
  QLabel* notice_ = nullptr;
  QHBoxLayout* controls_ = nullptr;
  QVBoxLayout* layout_ = nullptr;
};

}  // namespace scdfm::ui
