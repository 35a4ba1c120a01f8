#include "core/dist/GradientAllReduce.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <unordered_set>

#include "core/dist/ProcessGroupImpl.h"
#include "core/util/Error.h"

namespace scdfm {

struct GradientAllReduce::Bucket {
  std::vector<std::size_t> params;  // parameter indices, in bucket order
  std::int64_t numel = 0;
  at::Tensor flat;                  // the gradients, summed in place by the all-reduce
  std::size_t pending = 0;          // parameters whose gradient has not arrived (armed pass)
  c10::intrusive_ptr<c10d::Work> work;
};

namespace {
constexpr std::int64_t kFirstBucketBytes = std::int64_t{1} << 20;  // DDP's: the first bucket starts early
}

GradientAllReduce::GradientAllReduce(ProcessGroup& group, std::vector<at::Tensor> parameters,
                                     std::int64_t bucketBytes)
    : group_(group), params_(std::move(parameters)) {
  const auto n = params_.size();
  bucketOf_.assign(n, 0);
  offsetOf_.assign(n, 0);
  Bucket b;
  auto cap = [&] { return buckets_.empty() ? std::min(kFirstBucketBytes, bucketBytes) : bucketBytes; };
  for (std::size_t k = n; k-- > 0;) {  // reverse order: the backward pass reaches the last parameters first
    const auto& p = params_[k];
    if (p.scalar_type() != params_.front().scalar_type() || p.device() != params_.front().device())
      throw InternalError("GradientAllReduce: parameters of one dtype and device expected");
    const auto bytes = p.numel() * static_cast<std::int64_t>(p.element_size());
    if (!b.params.empty() && b.numel * static_cast<std::int64_t>(p.element_size()) + bytes > cap()) {
      buckets_.push_back(std::move(b));
      b = Bucket();
    }
    bucketOf_[k] = buckets_.size();
    offsetOf_[k] = static_cast<std::size_t>(b.numel);
    b.params.push_back(k);
    b.numel += p.numel();
  }
  if (!b.params.empty()) buckets_.push_back(std::move(b));
  if (!group_.distributed()) return;
  for (std::size_t k = 0; k < n; ++k)
    if (params_[k].requires_grad())
      hooks_.push_back(params_[k].register_hook([this, k](const at::Tensor& g) { onGradient(k, g); }));
    else
      hooks_.push_back(~0u);
}

GradientAllReduce::~GradientAllReduce() {
  // The parameters outlive this object: their hooks must not call it any more.
  for (std::size_t k = 0; k < hooks_.size(); ++k)
    if (hooks_[k] != ~0u) params_[k].remove_hook(hooks_[k]);
}

std::size_t GradientAllReduce::bucketCount() const { return buckets_.size(); }

at::Tensor GradientAllReduce::slotOf(std::size_t k) {
  return buckets_[bucketOf_[k]].flat.narrow(0, static_cast<std::int64_t>(offsetOf_[k]), params_[k].numel());
}

void GradientAllReduce::beginPass() {
  nextToStart_ = 0;
  startedInBackward_ = 0;
  error_ = nullptr;
}

void GradientAllReduce::armForBackward(const at::Tensor& loss) {
  if (!group_.distributed()) return;
  // The parameters this pass reaches: their gradient accumulators in the loss's graph.
  std::unordered_set<const torch::autograd::Node*> reached;
  std::vector<torch::autograd::Node*> todo;
  if (loss.grad_fn()) todo.push_back(loss.grad_fn().get());
  while (!todo.empty()) {
    auto* node = todo.back();
    todo.pop_back();
    if (!reached.insert(node).second) continue;
    for (const auto& edge : node->next_edges())
      if (edge.function) todo.push_back(edge.function.get());
  }
  at::NoGradGuard noGrad;
  beginPass();
  expected_.assign(params_.size(), 0);
  for (auto& b : buckets_) {
    b.flat = at::zeros({b.numel}, params_.front().options().requires_grad(false));
    b.pending = 0;
    b.work.reset();
    for (auto k : b.params) {
      const auto acc = torch::autograd::impl::try_get_grad_accumulator(params_[k]);
      expected_[k] = acc && reached.count(acc.get()) ? 1 : 0;
      if (expected_[k]) {
        ++b.pending;
      } else if (const auto& g = params_[k].grad(); g.defined()) {
        // Not in this pass: the slot holds the earlier micro-batches' gradient now.
        slotOf(k).copy_(g.reshape({-1}));
      }
    }
  }
  armed_ = true;
  try {
    startReadyBuckets();  // buckets this pass does not reach
  } catch (...) {
    error_ = std::current_exception();
  }
}

// Called by autograd with the parameter's gradient of this pass, before it is
// added to .grad (which holds the earlier micro-batches of the step).
void GradientAllReduce::onGradient(std::size_t k, const at::Tensor& grad) {
  if (!armed_ || error_) return;
  if (!expected_[k]) {
    error_ = std::make_exception_ptr(
        InternalError("GradientAllReduce: a gradient arrived for a parameter outside the loss's graph"));
    return;
  }
  auto slot = slotOf(k);
  slot.copy_(grad.reshape({-1}));
  if (params_[k].grad().defined()) slot.add_(params_[k].grad().reshape({-1}));
  --buckets_[bucketOf_[k]].pending;
  try {
    startReadyBuckets();
  } catch (...) {
    error_ = std::current_exception();  // thrown by run(), where the trainer handles a failed group
  }
}

void GradientAllReduce::startReadyBuckets() {
  while (nextToStart_ < buckets_.size() && buckets_[nextToStart_].pending == 0) {
    start(buckets_[nextToStart_]);
    ++startedInBackward_;
  }
}

void GradientAllReduce::start(Bucket& b) {
  std::vector<at::Tensor> t{b.flat};
  b.work = group_.impl().backend->allreduce(t);
  ++nextToStart_;
}

void GradientAllReduce::run(std::vector<double>& extras, const std::string& during) {
  if (!group_.distributed()) return;
  const bool wasArmed = armed_;
  armed_ = false;
  if (!wasArmed) beginPass();
  auto& backend = *group_.impl().backend;
  const auto device = params_.empty() ? at::Device(at::kCPU) : params_.front().device();
  // Flags (gradient defined here) and extras, summed in double.
  std::vector<double> head(params_.size() + extras.size(), 0.0);
  for (std::size_t i = 0; i < params_.size(); ++i) head[i] = params_[i].grad().defined() ? 1.0 : 0.0;
  std::copy(extras.begin(), extras.end(), head.begin() + static_cast<std::ptrdiff_t>(params_.size()));
  std::vector<at::Tensor> stats{at::tensor(head, at::TensorOptions().dtype(at::kDouble)).to(device)};
  c10::intrusive_ptr<c10d::Work> statsWork;
  try {
    if (error_) std::rethrow_exception(error_);
    // The buckets not started yet: .grad now holds the whole step's gradient.
    at::NoGradGuard noGrad;
    for (std::size_t bi = nextToStart_; bi < buckets_.size(); ++bi) {
      auto& b = buckets_[bi];
      b.flat = at::zeros({b.numel}, params_.front().options().requires_grad(false));
      for (auto k : b.params)
        if (const auto& g = params_[k].grad(); g.defined()) slotOf(k).copy_(g.reshape({-1}));
      start(b);
    }
    statsWork = backend.allreduce(stats);
    for (auto& b : buckets_) b.work->wait();
    statsWork->wait();
  } catch (const DistributedError&) {
    throw;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    throw group_.failure(during, what.substr(0, what.find('\n')), "");
  }
  const auto sums = stats.front().to(at::kCPU);
  const double* s = sums.data_ptr<double>();
  for (std::size_t k = 0; k < extras.size(); ++k) extras[k] = s[params_.size() + k];
  for (std::size_t k = 0; k < params_.size(); ++k) {
    auto& p = params_[k];
    // A view into the bucket: the bucket lives as long as the gradient does.
    if (s[k] > 0) p.mutable_grad() = slotOf(k).view(p.sizes());
  }
  for (auto& b : buckets_) b.work.reset();
}

}  // namespace scdfm
