#include "TinyCheckpoint.h"
#include "TinyModel.h"

#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "core/data/Dataset.h"
#include "core/flow/Trainer.h"
#include "core/util/Threads.h"

namespace scdfm::test {

std::string tinyData() { return dataDir() + "/tiny.h5ad"; }

bool haveTinyData() { return std::filesystem::exists(tinyData()); }

const std::string& tinyCheckpoint() {
  static const std::string path = [] {
    auto dir = scratchDir("predictor_model");
    Dataset ds(tinyData());
    TrainerOptions o = tinyModelOptions(dir, 2);
    o.validationConditions = 1;
    o.validationCells = 8;
    o.validationTimePoints = 3;
    return trainModel(ds, o).checkpointPath;
  }();
  return path;
}

std::string pythonModelSpace(const std::string& dir) {
  return "import warnings\nwarnings.filterwarnings('ignore')\nimport numpy as np, anndata\n"
         "D = '" + dir + "'\n"
         "_a = anndata.read_h5ad('" + tinyData() + "')\n"
         "_cols = np.loadtxt(D + '/genes.cols', dtype=np.int64, ndmin=1)\n"
         "def model_space(name):\n"
         "    rows = np.loadtxt(D + '/' + name + '.rows', dtype=np.int64, ndmin=1)\n"
         "    x = _a.X[rows]\n"
         "    x = np.asarray(x.todense() if hasattr(x, 'todense') else x, dtype=np.float64)\n"
         "    x = x * (1e4 / np.where(x.sum(1) == 0, 1, x.sum(1)))[:, None]\n"
         "    return np.log1p(x)[:, _cols]\n";
}

void writeIndexFile(const std::string& path, const std::vector<std::int64_t>& indices) {
  std::ofstream f(path);
  for (auto i : indices) f << i << "\n";
}

}  // namespace scdfm::test
