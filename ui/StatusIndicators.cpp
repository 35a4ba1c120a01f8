#include "ui/StatusIndicators.h"

#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <unistd.h>

#include "core/util/Threads.h"
#include "ui/JobRunner.h"

namespace scdfm::ui {

StatusIndicators::StatusIndicators(QStatusBar* bar, JobRunner* jobs) : QObject(bar) {
  job_ = new QLabel(tr("Ready"));
  job_->setMinimumWidth(220);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(180);
  progress_->setTextVisible(false);
  progress_->hide();
  cancel_ = new QToolButton;
  cancel_->setText(tr("Cancel"));
  cancel_->setToolTip(tr("Stop the running job (it stops at its next step)"));
  cancel_->hide();
  device_ = new QLabel;
  memory_ = new QLabel;
  memory_->setToolTip(tr("Memory used by scDFM Studio (resident set size)"));
  bar->addWidget(job_, 1);
  bar->addWidget(progress_);
  bar->addWidget(cancel_);
  bar->addPermanentWidget(device_);
  bar->addPermanentWidget(memory_);

  setDevice(tr("CPU · %1 threads").arg(scdfm::threadCount()),
            tr("Computations run on the CPU with %1 threads (of %2 cores); set SCDFM_THREADS to change.")
                .arg(scdfm::threadCount())
                .arg(scdfm::hardwareThreads()));

  connect(cancel_, &QToolButton::clicked, jobs, &JobRunner::cancel);
  connect(jobs, &JobRunner::started, this, [this](quint64, const QString& name) {
    job_->setText(name);
    progress_->setValue(0);
    progress_->setRange(0, 0);  // busy until the first report
    progress_->show();
    cancel_->show();
  });
  connect(jobs, &JobRunner::progress, this, [this, jobs](quint64, double fraction, const QString& stage) {
    progress_->setRange(0, 1000);
    progress_->setValue(static_cast<int>(fraction * 1000));
    job_->setText(stage.isEmpty() ? jobs->currentName() : jobs->currentName() + " — " + stage);
  });
  connect(jobs, &JobRunner::busyChanged, this, [this](bool busy) {
    if (busy) return;
    progress_->hide();
    cancel_->hide();
  });
  connect(jobs, &JobRunner::finished, this, [this](quint64, const std::any&) { job_->setText(tr("Ready")); });
  connect(jobs, &JobRunner::cancelled, this, [this, jobs](quint64) {
    if (!jobs->isRunning()) job_->setText(tr("Cancelled"));
  });
  connect(jobs, &JobRunner::failed, this,
          [this](quint64, const QString& title, const QString&, const QString&) { job_->setText(title); });

  auto* timer = new QTimer(this);
  connect(timer, &QTimer::timeout, this, &StatusIndicators::refreshMemory);
  timer->start(1000);
  refreshMemory();
}

void StatusIndicators::setDevice(const QString& text, const QString& tooltip) {
  device_->setText(text);
  device_->setToolTip(tooltip);
}

QString StatusIndicators::deviceText() const { return device_->text(); }
QString StatusIndicators::jobText() const { return job_->text(); }

qint64 StatusIndicators::residentBytes() {
  // statm: size resident shared text lib data dt (in pages).
  QFile f("/proc/self/statm");
  if (!f.open(QIODevice::ReadOnly)) return -1;
  const QList<QByteArray> fields = f.readAll().simplified().split(' ');
  if (fields.size() < 2) return -1;
  bool ok = false;
  qint64 pages = fields[1].toLongLong(&ok);
  return ok ? pages * static_cast<qint64>(sysconf(_SC_PAGESIZE)) : -1;
}

void StatusIndicators::refreshMemory() {
  qint64 rss = residentBytes();
  memory_->setText(rss < 0 ? tr("Memory: ?") : tr("Memory: %1").arg(QLocale().formattedDataSize(rss)));
}

}  // namespace scdfm::ui
