#include "core/dist/GradientAllReduce.h"

#include <ATen/ATen.h>

#include "core/dist/ProcessGroupImpl.h"
#include "core/util/Error.h"

namespace scdfm {

GradientAllReduce::GradientAllReduce(ProcessGroup& group, std::vector<at::Tensor> parameters,
                                     std::int64_t bucketBytes)
    : group_(group), params_(std::move(parameters)) {
  Bucket b;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const auto& p = params_[i];
    if (p.scalar_type() != params_.front().scalar_type() || p.device() != params_.front().device())
      throw InternalError("GradientAllReduce: parameters of one dtype and device expected");
    const auto bytes = p.numel() * static_cast<std::int64_t>(p.element_size());
    if (b.last > b.first && (b.numel * static_cast<std::int64_t>(p.element_size()) + bytes) > bucketBytes) {
      buckets_.push_back(b);
      b = Bucket{i, i, 0};
    }
    b.last = i + 1;
    b.numel += p.numel();
  }
  if (b.last > b.first) buckets_.push_back(b);
}

void GradientAllReduce::run(std::vector<double>& extras, const std::string& during) {
  if (!group_.distributed()) return;
  auto& backend = *group_.impl().backend;
  const auto device = params_.empty() ? at::Device(at::kCPU) : params_.front().device();
  // Flags (gradient defined here) and extras, summed in double.
  std::vector<double> head(params_.size() + extras.size(), 0.0);
  for (std::size_t i = 0; i < params_.size(); ++i) head[i] = params_[i].grad().defined() ? 1.0 : 0.0;
  std::copy(extras.begin(), extras.end(), head.begin() + static_cast<std::ptrdiff_t>(params_.size()));
  std::vector<at::Tensor> stats{at::tensor(head, at::TensorOptions().dtype(at::kDouble)).to(device)};
  std::vector<std::vector<at::Tensor>> flat;
  {
    at::NoGradGuard noGrad;
    for (const auto& b : buckets_) {
      auto t = at::zeros({b.numel}, params_.front().options().requires_grad(false));
      std::int64_t at = 0;
      for (std::size_t i = b.first; i < b.last; ++i) {
        const auto& g = params_[i].grad();
        if (g.defined()) t.narrow(0, at, g.numel()).copy_(g.reshape({-1}));
        at += params_[i].numel();
      }
      flat.push_back({t});
    }
  }
  try {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    works.push_back(backend.allreduce(stats));
    for (auto& f : flat) works.push_back(backend.allreduce(f));
    for (auto& w : works) w->wait();
  } catch (const DistributedError&) {
    throw;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    throw group_.failure(during, what.substr(0, what.find('\n')), "");
  }
  const auto sums = stats.front().to(at::kCPU);
  const double* s = sums.data_ptr<double>();
  for (std::size_t k = 0; k < extras.size(); ++k) extras[k] = s[params_.size() + k];
  for (std::size_t bi = 0; bi < buckets_.size(); ++bi) {
    std::int64_t at = 0;
    for (std::size_t i = buckets_[bi].first; i < buckets_[bi].last; ++i) {
      auto& p = params_[i];
      const auto n = p.numel();
      // A view into the bucket: the bucket lives as long as the gradient does.
      if (s[i] > 0) p.mutable_grad() = flat[bi].front().narrow(0, at, n).view(p.sizes());
      at += n;
    }
  }
}

}  // namespace scdfm
