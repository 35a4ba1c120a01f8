// Messy inputs a biologist may give `scdfm`, and the exact message each gets.
// Every case must end with exit code 2 (a user error, not a crash) and a
// message that names the file and the field or name at fault. The table of
// docs/bad-inputs.md is written from these runs to <test-work>/bad-inputs.md
// (docs/make-bad-inputs.sh copies it there), so the documentation shows what
// the program really prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "CliSupport.h"
#include "core/io/ModelCheckpoint.h"

using namespace scdfm;
using test::kTinyModel;
using test::tiny;

namespace {

struct Case {
  std::string input;    // what is wrong, for the table
  std::string command;  // run in the scratch folder, after "scdfm "
  std::vector<std::string> mustName;  // file, field or name the message must contain
  int exitCode = 2;     // 0: accepted, with a note (the table shows the lines starting "note:")
};

// The damaged copies of the tiny dataset and the other files the cases use.
const char* kMakeFiles = R"PY(
import shutil, h5py, numpy as np, pandas as pd, anndata as ad
tiny = "TINY"
open("counts.h5ad", "w").write("cell,G0005,G0042\nc1,3,0\n")
with h5py.File("images.h5ad", "w") as f:
    f["images/plate1"] = np.zeros((2, 2), np.uint8)
data = open(tiny, "rb").read()
open("truncated.h5ad", "wb").write(data[: len(data) // 2])
def damaged(name, fn):
    shutil.copy(tiny, name)
    with h5py.File(name, "r+") as f:
        fn(f)
def with_nan(f):
    d, p = f["X/data"][...], f["X/indptr"][...]
    d[p[:-1][p[:-1] < p[1:]]] = np.nan  # the first stored value of every cell
    f["X/data"][...] = d
damaged("nan_counts.h5ad", with_nan)
damaged("negative_counts.h5ad", lambda f: f["X/data"].__setitem__(Ellipsis, -f["X/data"][...]))
def duplicate_genes(f):
    names = f["var/_index"].asstr()[...].astype(object)
    names[1] = names[0]
    del f["var/_index"]
    f["var"].create_dataset("_index", data=names, dtype=h5py.string_dtype())
    f["var/_index"].attrs["encoding-type"] = "string-array"
    f["var/_index"].attrs["encoding-version"] = "0.2.0"
damaged("duplicate_genes.h5ad", duplicate_genes)
obs = pd.DataFrame({"drug": pd.Categorical(["DMSO", "dexamethasone", "dexamethasone", "nutlin"]),
                    "dose": ["0", "10", "high", "100"]}, index=["c1", "c2", "c3", "c4"])
ad.AnnData(np.ones((4, 3), np.float32), obs=obs, var=pd.DataFrame(index=["TP53", "MDM2", "CDKN1A"])).write_h5ad(
    "text_dose.h5ad")
obs = pd.DataFrame({"condition": pd.Categorical(["ctrl", "KLF1+ctrl", "ctrl"])}, index=["a", "b", "c"])
ad.AnnData(np.ones((3, 2), np.float32), obs=obs, var=pd.DataFrame(index=["KLF1", "GATA1"])).write_h5ad(
    "other_genes.h5ad")
ckpt = open("model/checkpoint.safetensors", "rb").read()
open("corrupt.safetensors", "wb").write(ckpt[: len(ckpt) // 3])
import torch
torch.save({"weight": torch.ones(2)}, "authors.pt")
)PY";

std::string escapeCell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else out += c;
  }
  return out;
}

}  // namespace

TEST(BadInputs, EachGetsAMessageNamingTheFileAndField) {
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)";
  if (!test::pythonHas("anndata") || !test::pythonHas("torch"))
    GTEST_SKIP() << "python3 lacks anndata or torch (apt install python3-anndata python3-torch)";
  const std::string dir = test::scratchDir("cli_bad_inputs");
  const std::string bin = test::binDir() + "/scdfm --threads 1";
  auto r = test::runCommand(bin + " train " + tiny() + " --out " + dir + "/model --steps 1 --seed 1" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  std::string make = kMakeFiles;
  make.replace(make.find("TINY"), 4, tiny());
  r = test::runPython("import os; os.chdir('" + dir + "')\n" + make);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const auto genes = readModelCheckpoint(dir + "/model/checkpoint.safetensors").genes;
  ASSERT_GE(genes.size(), 3u);
  std::filesystem::copy_file(tiny(), dir + "/tiny.h5ad");
  const std::string model = " -c model/checkpoint.safetensors";
  const std::string predict = "predict tiny.h5ad" + model + " -n 4 --time-points 2 -o out.h5ad -p ";

  const std::vector<Case> cases = {
      {"Wrong file type (a CSV named .h5ad)", "info counts.h5ad", {"counts.h5ad", "not an HDF5 file"}},
      {"HDF5 file that is not AnnData", "info images.h5ad", {"images.h5ad", "not AnnData", "images"}},
      {"Truncated .h5ad (interrupted copy)", "info truncated.h5ad", {"truncated.h5ad", "truncated"}},
      {"obs column that does not exist", "info tiny.h5ad --condition-col perturbation",
       {"tiny.h5ad", "perturbation", "condition"}},
      {"Dose column with text", "info text_dose.h5ad --condition-col drug --dose-col dose",
       {"text_dose.h5ad", "dose", "high"}},
      {"NaN counts", "predict nan_counts.h5ad" + model + " -n 4 --time-points 2 -o out.h5ad -p " + genes[0],
       {"nan_counts.h5ad", "/X", "NaN", "gene"}},
      {"Negative counts (scaled data)",
       "predict negative_counts.h5ad" + model + " -n 4 --time-points 2 -o out.h5ad -p " + genes[0],
       {"negative_counts.h5ad", "/X", "negative", "gene"}},
      {"Duplicated gene names in var", "info duplicate_genes.h5ad", {"more than once", "var index", genes[0]}, 0},
      {"Checkpoint for another gene set",
       "predict other_genes.h5ad" + model + " -n 4 --time-points 2 -o out.h5ad -p " + genes[0],
       {"other_genes.h5ad", "var", "genes"}},
      {"Corrupt checkpoint (truncated)", "predict tiny.h5ad -c corrupt.safetensors -o out.h5ad -p " + genes[0],
       {"corrupt.safetensors"}},
      {"The authors' .pt given to predict", "predict tiny.h5ad -c authors.pt -o out.h5ad -p " + genes[0],
       {"authors.pt", "scdfm import"}},
      {"Unknown perturbation", predict + "NOTAGENE", {"model/checkpoint.safetensors", "NOTAGENE"}},
      {"Too many genes in a combination", predict + genes[0] + "+" + genes[1] + "+" + genes[2],
       {"model/checkpoint.safetensors", "at most two"}},
      {"Perturbation typo: empty component", predict + genes[0] + "++" + genes[1], {"empty component"}},
      {"A drug for a gene-only model", predict + "dexamethasone@10", {"model/checkpoint.safetensors", "dexamethasone"}},
  };
  std::ofstream table(std::string(SCDFM_TEST_WORK_DIR) + "/bad-inputs.md");
  table << "| Bad input | Command | What `scdfm` prints (exit code) |\n|---|---|---|\n";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    r = test::runCommand("cd " + dir + " && " + bin + " " + c.command);
    std::string msg = r.output;
    if (c.exitCode == 0) {  // keep the notes only
      std::string notes, line;
      std::istringstream in(r.output);
      while (std::getline(in, line))
        if (line.rfind("note:", 0) == 0) notes += line + "\n";
      msg = notes;
    }
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    EXPECT_EQ(r.exitCode, c.exitCode) << r.output;
    EXPECT_EQ(msg.find("internal error"), std::string::npos) << msg;
    for (const auto& s : c.mustName) EXPECT_NE(msg.find(s), std::string::npos) << "'" << s << "' not in: " << msg;
    table << "| " << c.input << " | `scdfm " << escapeCell(c.command) << "` | " << escapeCell(msg) << " (" << r.exitCode
          << ") |\n";
  }
}
