#pragma once
// Checkpoint ⇄ network (torch side; include only from core/flow and core/model).
#include <torch/torch.h>

#include <string>

#include "core/io/ModelCheckpoint.h"
#include "core/model/ScDfmModel.h"

namespace scdfm {

// Stores the network's weights, config and mask into the checkpoint.
void storeModel(ScDfmModelImpl& model, ModelCheckpoint& checkpoint);

}  // namespace scdfm
