#pragma once
// Sums gradients over the ranks of a ProcessGroup as PyTorch's DDP does, without
// overlapping the backward pass: the gradients are flattened into buckets of at
// most `bucketBytes` (DDP's 25 MiB by default), every bucket's all-reduce is in
// flight at once, and the sums are handed back as the parameters' gradients.
// A few doubles (loss terms, a cancel flag) travel with them.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace scdfm {

class ProcessGroup;

class GradientAllReduce {
 public:
  GradientAllReduce(ProcessGroup& group, std::vector<at::Tensor> parameters,
                    std::int64_t bucketBytes = std::int64_t{25} << 20);

  // Sums every parameter's gradient and `extras` over the ranks. A parameter
  // whose gradient is undefined on every rank stays undefined (Adam skips it,
  // as on one process); one undefined here but defined elsewhere counts as zero.
  // A failed collective throws the group's DistributedError naming `during`.
  void run(std::vector<double>& extras, const std::string& during);

  std::size_t bucketCount() const { return buckets_.size(); }

 private:
  struct Bucket {
    std::size_t first = 0, last = 0;  // parameters [first, last)
    std::int64_t numel = 0;
  };
  ProcessGroup& group_;
  std::vector<at::Tensor> params_;
  std::vector<Bucket> buckets_;
};

}  // namespace scdfm
