#pragma once
// Progress reporting without Qt: a callback that receives the fraction done
// and a short human-readable stage ("ODE step 3/19 — KLF1+MAP2K6").
#include <functional>
#include <string>

namespace scdfm {

struct ProgressInfo {
  double fraction = 0.0;  // 0..1 over the whole job
  std::string stage;      // what is happening now
  long long step = 0;     // current step within the stage (0 if unused)
  long long steps = 0;    // number of steps in the stage (0 if unknown)
};

class Progress {
 public:
  using Callback = std::function<void(const ProgressInfo&)>;
  Progress() = default;
  explicit Progress(Callback cb) : cb_(std::move(cb)) {}
  void report(double fraction, const std::string& stage, long long step = 0, long long steps = 0) const {
    if (cb_) cb_(ProgressInfo{fraction, stage, step, steps});
  }
  // A sub-range [from, to] of the parent's 0..1, for nested jobs.
  Progress sub(double from, double to) const {
    if (!cb_) return {};
    auto parent = cb_;
    return Progress([parent, from, to](const ProgressInfo& p) {
      ProgressInfo q = p;
      q.fraction = from + (to - from) * p.fraction;
      parent(q);
    });
  }
  static const Progress& none() {
    static const Progress p;
    return p;
  }

 private:
  Callback cb_;
};

}  // namespace scdfm
