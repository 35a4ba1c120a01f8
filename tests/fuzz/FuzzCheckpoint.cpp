// Fuzz target: one of our .safetensors checkpoints, read as `scdfm predict`
// and the GUI's model loader read it (readModelCheckpoint, then the model
// configuration it declares), plus the header-only probe used to tell file
// kinds apart.
#include "FuzzSupport.h"
#include "core/flow/ModelLoading.h"
#include "core/io/ModelCheckpoint.h"
#include "core/io/Safetensors.h"

namespace scdfm::fuzz {

void runCheckpoint(const std::uint8_t* data, std::size_t size) {
  InputFile file(data, size, ".safetensors");
  (void)isModelCheckpoint(file.path());  // must answer, never throw
  stage([&] { (void)readSafetensorsHeader(file.path()); });
  stage([&] {
    ModelCheckpoint c = readModelCheckpoint(file.path());
    (void)checkpointModelConfig(c, file.path());
  });
}

}  // namespace scdfm::fuzz
