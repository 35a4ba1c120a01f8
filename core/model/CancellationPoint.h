#pragma once
// A point where a forward pass checks Cancel, and the same point in its backward
// pass: autograd calls a hook registered on the tensor when the backward pass
// reaches it, and the Cancelled thrown there reaches the caller of backward().
// One network evaluation or backward pass of a large model takes longer than a
// user waits for Cancel, so the network has such points inside its blocks.
#include <torch/torch.h>

#include "core/util/CancelToken.h"

namespace scdfm {

inline void cancellationPoint(torch::Tensor& x, const CancelToken* cancel) {
  if (!cancel) return;
  cancel->throwIfCancelled();
  if (x.requires_grad()) x.register_hook([token = *cancel](const torch::Tensor&) { token.throwIfCancelled(); });
}

}  // namespace scdfm
