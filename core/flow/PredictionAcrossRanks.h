#pragma once
// Predictor::predict with the perturbations split across the ranks of a group
// (perturbation i on rank i % worldSize, core/dist/SplitWork.h). Each
// perturbation's control draw and noise derive from (seed, key) only, so the
// cells equal one process's. Rank 0 receives every result in request order
// (onResult as they arrive, progress per result) and returns them all; the
// other ranks return nothing. Without a group, or a group of one: exactly
// Predictor::predict. Attention maps stay with one process. Torch-free.
#include <functional>
#include <vector>

#include "core/flow/Predictor.h"

namespace scdfm {

class ProcessGroup;

std::vector<PredictedPerturbation> predictAcrossRanks(
    const Predictor& predictor, const Dataset& dataset, const PredictRequest& request, ProcessGroup* group,
    const std::function<void(const PredictedPerturbation&)>& onResult = {},
    const Progress& progress = Progress::none(), const CancelToken& cancel = {});

}  // namespace scdfm
