#include "ui/analysis/FigureWidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace scdfm::ui {

FigureWidget::FigureWidget(QWidget* parent) : QWidget(parent) {
  auto* layout = layout_ = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  controls_ = new QHBoxLayout;
  layout->addLayout(controls_);
  notice_ = new QLabel(this);
  notice_->setWordWrap(true);
  notice_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  notice_->setStyleSheet("QLabel { background: #fff4d6; border: 1px solid #e0c060; padding: 4px; }");
  notice_->hide();
  layout->addWidget(notice_);
  plot_ = new QCustomPlot(this);
  plot_->setMinimumSize(320, 240);
  plot_->setContextMenuPolicy(Qt::CustomContextMenu);
  plot_->setNoAntialiasingOnDrag(true);
  plot_->plotLayout()->insertRow(0);
  title_ = new QCPTextElement(plot_, QString(), QFont(font().family(), 11, QFont::Bold));
  plot_->plotLayout()->addElement(0, 0, title_);
  connect(plot_, &QWidget::customContextMenuRequested, this, &FigureWidget::showContextMenu);
  plot_->installEventFilter(this);
  plot_->setMouseTracking(true);
  layout->addWidget(plot_, 1);
}

QString FigureWidget::exportTo(const QString& path, const FigureExportOptions& options) const {
  FigureExportOptions o = options;
  if (o.title.isEmpty()) o.title = title();
  return exportPlot(*plot_, path, o);
}

void FigureWidget::addRowAbovePlot(QWidget* widget) { layout_->insertWidget(layout_->indexOf(plot_), widget); }

QString FigureWidget::notice() const { return notice_->isHidden() ? QString() : notice_->text(); }

QString FigureWidget::title() const { return title_->text(); }

void FigureWidget::setNotice(const QString& text) {
  notice_->setText(text);
  notice_->setVisible(!text.isEmpty());
}

void FigureWidget::setTitle(const QString& text) { title_->setText(text); }

void FigureWidget::clearPlot() {
  plot_->clearPlottables();
  plot_->clearItems();
  plot_->legend->setVisible(false);
}

void FigureWidget::showPlaceholder(const QString& text) {
  clearPlot();
  auto* label = new QCPItemText(plot_);
  label->position->setType(QCPItemPosition::ptAxisRectRatio);
  label->position->setCoords(0.5, 0.5);
  label->setText(text);
  label->setTextAlignment(Qt::AlignCenter);
  QFont f = font();
  f.setPointSize(11);
  label->setFont(f);
  label->setColor(QColor(90, 90, 90));
  plot_->replot();
}

bool FigureWidget::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::MouseMove) {
    const QPoint pos = static_cast<QMouseEvent*>(event)->pos();
    const QString text = hoverText(pos);
    if (text.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(plot_->mapToGlobal(pos), text, plot_);
  }
  return QWidget::eventFilter(watched, event);
}

void FigureWidget::showContextMenu(const QPoint& pos) {
  QMenu menu(this);
  addContextActions(menu);
  menu.addAction(tr("Export figure…"), this,
                 [this] { exportPlotInteractively(*plot_, this, figureName(), title()); });
  menu.exec(plot_->mapToGlobal(pos));
}

}  // namespace scdfm::ui
