#include "core/flow/PredictionAcrossRanks.h"

#include "core/dist/ByteCodec.h"
#include "core/dist/ProcessGroup.h"
#include "core/dist/SplitWork.h"
#include "core/util/Error.h"

namespace scdfm {

std::vector<PredictedPerturbation> predictAcrossRanks(const Predictor& predictor, const Dataset& dataset,
                                                      const PredictRequest& request, ProcessGroup* group,
                                                      const std::function<void(const PredictedPerturbation&)>& onResult,
                                                      const Progress& progress, const CancelToken& cancel) {
  if (!group || !group->distributed()) return predictor.predict(dataset, request, onResult, progress, cancel);
  if (!request.attentionCells.empty())
    throw InputError("", "attention", "attention maps are not gathered across processes", "Ask for them in one process");
  // Every rank checks every query first, as one process does.
  std::vector<PerturbationCheck> checks;
  for (const auto& q : request.perturbations) checks.push_back(predictor.check(q, &dataset));
  const auto genes = predictor.genesFor(dataset, request.genes);
  const auto n = request.perturbations.size();
  std::vector<PredictedPerturbation> results;
  runSplitWork(
      group, n, SplitWorkOptions{"predict", false},
      [&](std::size_t i) {
        PredictRequest one = request;
        one.perturbations = {request.perturbations[i]};
        const auto out = predictor.predict(dataset, one, {}, Progress::none(), cancel);
        const auto& r = out.front();
        return ByteWriter()
            .value<std::int64_t>(r.cells.rows())
            .value<std::int64_t>(r.cells.cols())
            .array(r.cells.data(), static_cast<std::size_t>(r.cells.size()))
            .vector(r.controlRows)
            .value(r.seconds)
            .take();
      },
      [&](std::size_t i, const std::string& bytes) {
        PredictedPerturbation r;
        r.check = checks[i];
        r.genes = genes;
        ByteReader in(bytes);
        const auto rows = in.value<std::int64_t>(), cols = in.value<std::int64_t>();
        const auto values = in.vector<float>();
        r.cells = Eigen::Map<const RowMatrixF>(values.data(), rows, cols);
        r.controlRows = in.vector<std::int64_t>();
        r.seconds = in.value<double>();
        if (onResult) onResult(r);
        progress.report(static_cast<double>(i + 1) / static_cast<double>(n), r.check.key, static_cast<long long>(i + 1),
                        static_cast<long long>(n));
        results.push_back(std::move(r));
      },
      cancel);
  return results;
}

}  // namespace scdfm
