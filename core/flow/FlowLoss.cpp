#include "core/flow/FlowLoss.h"

#include "core/flow/Mmd.h"
#include "core/model/ScDfmModel.h"
#include "core/util/Error.h"

namespace scdfm {

FlowLossTerms flowMatchingLoss(ScDfmModelImpl& model, const torch::Tensor& geneIds, const torch::Tensor& source,
                               const torch::Tensor& target, const torch::Tensor& perturbationIds,
                               const torch::Tensor& noise, const torch::Tensor& t, const FlowLossOptions& options) {
  if (target.sizes() != noise.sizes() || target.sizes() != source.sizes() || t.dim() != 1 ||
      t.size(0) != target.size(0))
    throw InputError("", "training batch", "source, target and noise must be (B,T) and t (B,)");
  FlowLossTerms r;
  auto tc = t.unsqueeze(1);
  r.xt = tc * target + (1 - tc) * noise;  // AffineProbPath with CondOTScheduler: α_t = t, σ_t = 1 − t
  r.velocityTarget = target - noise;
  r.velocity = model.forward(geneIds, r.xt, t, source, perturbationIds, nullptr, options.cancel);
  r.lossFm = (r.velocity - r.velocityTarget).pow(2).mean();
  r.x1Hat = r.xt + (1 - tc) * r.velocity;
  if (options.useMmd) {
    r.sigmas = medianSigmas(target, options.mmdScales);
    r.lossMmd = mmd2UnbiasedMultiSigma(r.x1Hat, target, r.sigmas);
    r.total = r.lossFm + options.gamma * r.lossMmd;
  } else {
    r.lossMmd = torch::zeros({}, r.lossFm.options());
    r.total = r.lossFm;
  }
  return r;
}

}  // namespace scdfm
