#pragma once
// Runs one core computation at a time on a worker thread (Qt's Mandelbrot
// pattern): progress reaches the UI thread through queued calls, cancel stops
// the job at its next step, and a new request cancels the running one (its
// result is then dropped). Results and errors arrive as signals on the UI
// thread. The core function has the core's signature:
//     R work(const scdfm::Progress&, const scdfm::CancelToken&)
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <any>
#include <exception>
#include <functional>
#include <memory>

#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

template <typename T>
class QFutureWatcher;

namespace scdfm::ui {

class JobRunner : public QObject {
  Q_OBJECT
 public:
  using Work = std::function<std::any(const Progress&, const CancelToken&)>;

  explicit JobRunner(QObject* parent = nullptr);
  // Cancels the running job and waits for its worker to return.
  ~JobRunner() override;

  // Starts `work` on the thread pool; a running job is cancelled first.
  // Returns the job id carried by every signal of this job.
  quint64 start(const QString& name, Work work);

  // Typed convenience: the result is delivered as std::any holding R.
  template <typename F>
  quint64 run(const QString& name, F work) {
    return start(name, [work = std::move(work)](const Progress& p, const CancelToken& c) -> std::any {
      return std::any(work(p, c));
    });
  }

  // Asks the running job to stop at its next step; returns immediately.
  void cancel();
  // Blocks until no worker is running (used on shutdown and in tests).
  void waitForIdle();

  bool isRunning() const { return current_ != 0; }
  quint64 currentJob() const { return current_; }
  QString currentName() const { return currentName_; }

 signals:
  void started(quint64 job, const QString& name);
  // fraction 0..1; stage as reported by the core.
  void progress(quint64 job, double fraction, const QString& stage);
  void finished(quint64 job, const std::any& result);
  // title: short; message: what happened (file/where/problem); hint: what to do.
  void failed(quint64 job, const QString& title, const QString& message, const QString& hint);
  void cancelled(quint64 job);
  // True while a job of this runner is running (current, not superseded ones).
  void busyChanged(bool busy);

 private:
  struct Outcome {
    std::any value;
    std::exception_ptr error;
  };
  void onWatcherFinished(quint64 job, QFutureWatcher<Outcome>* watcher, const CancelToken& token);
  void deliverProgress(quint64 job, double fraction, const QString& stage);

  quint64 nextId_ = 1;
  quint64 current_ = 0;
  QString currentName_;
  CancelToken token_;
  int live_ = 0;  // workers not yet returned, including superseded ones
};

// Splits an exception into title / message / hint for display.
struct ErrorText {
  QString title, message, hint;
  bool cancelled = false;
};
ErrorText describeError(std::exception_ptr error);

}  // namespace scdfm::ui
