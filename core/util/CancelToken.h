#pragma once
// Cooperative cancellation shared between the thread that asks and the worker.
// Long operations check it between steps (ODE step, epoch, chunk of rows).
#include <atomic>
#include <memory>

#include "core/util/Error.h"

namespace scdfm {

class CancelToken {
 public:
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void cancel() const { flag_->store(true, std::memory_order_relaxed); }
  void reset() const { flag_->store(false, std::memory_order_relaxed); }
  bool cancelled() const { return flag_->load(std::memory_order_relaxed); }
  void throwIfCancelled() const {
    if (cancelled()) throw Cancelled();
  }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;  // copies share one flag
};

}  // namespace scdfm
