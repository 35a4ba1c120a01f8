#pragma once
// Sums gradients over the ranks of a ProcessGroup as PyTorch's DDP does: the
// gradients are flattened into buckets — in reverse parameter order, as the
// backward pass produces them, the first bucket small (1 MiB) and the others of
// at most `bucketBytes` (DDP's 25 MiB) — and each bucket's all-reduce starts as
// soon as its gradients are ready. A backward pass armed with
// armForBackward(loss) hands each parameter's gradient to its bucket through a
// hook, so the all-reduce of the last layers runs while the first ones are
// still being differentiated. As DDP with find_unused_parameters, the loss's
// autograd graph says which parameters this pass will not reach: their buckets
// do not wait for them. Buckets start in the same order on every rank (a
// bucket waits for the ones before it), as the collectives must. A few doubles
// (loss terms, a cancel flag) travel with them at the end.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace scdfm {

class ProcessGroup;

class GradientAllReduce {
 public:
  GradientAllReduce(ProcessGroup& group, std::vector<at::Tensor> parameters,
                    std::int64_t bucketBytes = std::int64_t{25} << 20);
  ~GradientAllReduce();
  GradientAllReduce(const GradientAllReduce&) = delete;
  GradientAllReduce& operator=(const GradientAllReduce&) = delete;

  // Call before loss.backward(), the last backward pass of a step on this rank
  // (gradients of earlier micro-batches are already in .grad): during that pass
  // each bucket starts as soon as its parameters' gradients are final.
  void armForBackward(const at::Tensor& loss);

  // Starts the buckets not yet started (all of them without armForBackward),
  // waits for every bucket and sums `extras`. A parameter whose gradient is
  // undefined on every rank stays undefined (Adam skips it, as on one process);
  // one undefined here but defined elsewhere counts as zero. A failed
  // collective throws the group's DistributedError naming `during`.
  void run(std::vector<double>& extras, const std::string& during);

  std::size_t bucketCount() const;
  // Buckets of the last run() that had started during the backward pass.
  std::size_t bucketsStartedInBackward() const { return startedInBackward_; }

 private:
  struct Bucket;
  void onGradient(std::size_t param, const at::Tensor& grad);
  at::Tensor slotOf(std::size_t param);  // the parameter's place in its bucket's flat tensor
  void beginPass();                      // forgets the started buckets and the error of the last step
  void startReadyBuckets();
  void start(Bucket& b);

  ProcessGroup& group_;
  std::vector<at::Tensor> params_;
  std::vector<Bucket> buckets_;
  std::vector<std::size_t> bucketOf_, offsetOf_;  // per parameter: its bucket and its place there
  std::vector<unsigned> hooks_;                   // per parameter: its hook, removed by the destructor
  std::vector<char> expected_;                    // per parameter: the armed pass reaches it
  bool armed_ = false;
  std::size_t nextToStart_ = 0;  // buckets start in index order
  std::size_t startedInBackward_ = 0;
  std::exception_ptr error_;     // a failure inside the backward pass, rethrown by run()
};

}  // namespace scdfm
