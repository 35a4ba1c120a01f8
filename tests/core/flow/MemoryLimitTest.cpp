// A prediction that would not fit in the available memory is refused before
// anything is allocated or run, with the way out in the message; the same
// request fits once the cells are integrated in smaller chunks.
#include <gtest/gtest.h>

#include "CancelProbe.h"
#include "TestSupport.h"
#include "TinyCheckpoint.h"
#include "core/data/Dataset.h"
#include "core/flow/Predictor.h"
#include "core/util/Error.h"
#include "core/util/AvailableMemory.h"

using namespace scdfm;

namespace {
struct MemoryLimit {
  explicit MemoryLimit(std::uint64_t bytes) { setMemoryLimitOverride(bytes); }
  ~MemoryLimit() { setMemoryLimitOverride(std::nullopt); }
};
}  // namespace

TEST(MemoryLimit, PredictionRefusedBeforeRunning) {
  SCDFM_REQUIRE_TINY_DATA();
  Dataset ds(test::tinyData());
  Predictor predictor(test::tinyCheckpoint(), "cpu");
  PredictRequest req;
  req.perturbations = {predictor.checkpoint().genes.at(0)};
  req.cells = 4096;
  req.chunkSize = 4096;
  req.timePoints = 3;
  MemoryLimit limit(64u << 20);
  test::CancelProbe probe;
  int results = 0;
  try {
    predictor.predict(ds, req, [&](const PredictedPerturbation&) { ++results; }, probe.progress(), probe.token);
    ADD_FAILURE() << "expected a refusal";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Generating 4096 cells"), std::string::npos) << m;
    EXPECT_NE(m.find("is available"), std::string::npos) << m;
    EXPECT_NE(m.find("--chunk"), std::string::npos) << m;
  }
  EXPECT_EQ(probe.reports.load(), 0);  // no ODE step ran
  EXPECT_EQ(results, 0);
  req.chunkSize = 16;  // the attention maps of 16 cells at a time fit
  req.cells = 128;
  EXPECT_NO_THROW(predictor.predict(ds, req));
}
