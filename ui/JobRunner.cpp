#include "ui/JobRunner.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QMetaObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <mutex>

#include "core/util/Error.h"

namespace scdfm::ui {

namespace {
// The worker's own pool: jobs must not wait behind (or starve) the global pool
// that Qt uses elsewhere. Two threads: a superseded job may still be finishing
// its current step while the new one starts.
QThreadPool& jobPool() {
  static QThreadPool* pool = [] {
    auto* p = new QThreadPool;
    p->setMaxThreadCount(2);
    p->setExpiryTimeout(-1);
    return p;
  }();
  return *pool;
}

// Progress is throttled in the worker: core code may report thousands of steps
// a second, and every report is a queued event for the UI thread.
struct ProgressThrottle {
  std::mutex mutex;
  std::chrono::steady_clock::time_point last{};
  std::string lastStage;
  bool shouldSend(double fraction, const std::string& stage) {
    std::lock_guard<std::mutex> lock(mutex);
    auto now = std::chrono::steady_clock::now();
    bool send = stage != lastStage || fraction >= 1.0 || now - last >= std::chrono::milliseconds(40);
    if (send) {
      last = now;
      lastStage = stage;
    }
    return send;
  }
};
}  // namespace

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner() {
  // No signals after destruction: just let the workers return (queued progress
  // events addressed to this object are discarded by Qt).
  token_.cancel();
  for (auto* w : findChildren<QFutureWatcherBase*>()) w->waitForFinished();
}

void JobRunner::waitForIdle() {
  // Workers only post queued events; waiting here cannot deadlock.
  for (auto* w : findChildren<QFutureWatcherBase*>()) w->waitForFinished();
  while (live_ > 0) QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents, 10);
}

quint64 JobRunner::start(const QString& name, Work work) {
  if (current_ != 0) {
    // Supersede: the old job stops at its next step and its outcome is dropped.
    token_.cancel();
    emit cancelled(current_);
  }
  token_ = CancelToken();  // a fresh flag; the old job keeps its cancelled one
  const quint64 job = nextId_++;
  const bool wasBusy = current_ != 0;
  current_ = job;
  currentName_ = name;
  ++live_;

  auto throttle = std::make_shared<ProgressThrottle>();
  Progress progress([this, job, throttle](const ProgressInfo& info) {
    if (!throttle->shouldSend(info.fraction, info.stage)) return;
    QString stage = QString::fromStdString(info.stage);
    double fraction = info.fraction;
    QMetaObject::invokeMethod(this, [this, job, fraction, stage] { deliverProgress(job, fraction, stage); },
                              Qt::QueuedConnection);
  });
  CancelToken token = token_;

  auto* watcher = new QFutureWatcher<Outcome>(this);
  connect(watcher, &QFutureWatcher<Outcome>::finished, this,
          [this, job, watcher, token] { onWatcherFinished(job, watcher, token); });
  watcher->setFuture(QtConcurrent::run(&jobPool(), [work = std::move(work), progress, token]() -> Outcome {
    Outcome out;
    try {
      token.throwIfCancelled();
      out.value = work(progress, token);
    } catch (...) {
      out.error = std::current_exception();
    }
    return out;
  }));

  emit started(job, name);
  if (!wasBusy) emit busyChanged(true);
  return job;
}

void JobRunner::cancel() {
  if (current_ == 0) return;
  token_.cancel();
}

void JobRunner::deliverProgress(quint64 job, double fraction, const QString& stage) {
  if (job != current_ || token_.cancelled()) return;  // stale report of a superseded job
  emit progress(job, fraction, stage);
}

void JobRunner::onWatcherFinished(quint64 job, QFutureWatcher<Outcome>* watcher, const CancelToken& token) {
  Outcome out = watcher->result();
  watcher->deleteLater();
  --live_;
  if (job != current_) return;  // superseded: its cancelled() was emitted at restart
  current_ = 0;
  currentName_.clear();
  if (out.error) {
    ErrorText text = describeError(out.error);
    if (text.cancelled)
      emit cancelled(job);
    else
      emit failed(job, text.title, text.message, text.hint);
  } else if (token.cancelled()) {
    // The work returned normally although asked to stop: treat as cancelled.
    emit cancelled(job);
  } else {
    emit finished(job, out.value);
  }
  emit busyChanged(false);
}

ErrorText describeError(std::exception_ptr error) {
  ErrorText t;
  try {
    std::rethrow_exception(error);
  } catch (const Cancelled&) {
    t.cancelled = true;
    t.title = QObject::tr("Cancelled");
    t.message = QObject::tr("The operation was cancelled.");
  } catch (const InputError& e) {
    t.title = QObject::tr("Cannot use this input");
    QStringList parts;
    if (!e.file().empty()) parts << QObject::tr("File: %1").arg(QString::fromStdString(e.file()));
    if (!e.where().empty()) parts << QObject::tr("Where: %1").arg(QString::fromStdString(e.where()));
    if (!e.problem().empty())
      parts << QObject::tr("Problem: %1").arg(QString::fromStdString(e.problem()));
    t.message = parts.isEmpty() ? QString::fromStdString(e.what()) : parts.join('\n');
    t.hint = QString::fromStdString(e.hint());
  } catch (const std::bad_alloc&) {
    t.title = QObject::tr("Out of memory");
    t.message = QObject::tr("The computer ran out of memory during this operation.");
    t.hint = QObject::tr("Close other programs or use a smaller dataset (fewer cells or genes).");
  } catch (const std::exception& e) {
    t.title = QObject::tr("Internal error");
    t.message = QString::fromStdString(e.what());
    t.hint = QObject::tr("This is a bug in scDFM Studio; please report it with the file you used.");
  } catch (...) {
    t.title = QObject::tr("Internal error");
    t.message = QObject::tr("An unknown error occurred.");
    t.hint = QObject::tr("This is a bug in scDFM Studio; please report it.");
  }
  return t;
}

}  // namespace scdfm::ui
