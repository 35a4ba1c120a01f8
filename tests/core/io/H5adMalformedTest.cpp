// Broken files must each give an InputError that names the file and the HDF5
// path concerned -- never a crash and never HDF5's own error printout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "H5adTestData.h"
#include "TestSupport.h"
#include "core/io/H5adReader.h"
#include "core/io/H5adWriter.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

using namespace scdfm;

namespace {

// Opens the file and reads everything; returns the InputError message ("" if none).
std::string errorOf(const std::string& file) {
  try {
    H5adReader r(file);
    (void)r.readAll();
    (void)r.readXRows({0, 2});
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

void expectInputError(const std::string& file, const std::vector<std::string>& mustContain) {
  SCOPED_TRACE(file);
  std::string msg = errorOf(file);
  ASSERT_FALSE(msg.empty()) << "no InputError";
  EXPECT_NE(msg.find(file), std::string::npos) << msg;
  for (const auto& s : mustContain) EXPECT_NE(msg.find(s), std::string::npos) << "missing '" << s << "' in: " << msg;
}

}  // namespace

TEST(H5adMalformed, NotHdf5MissingAndTruncated) {
  auto dir = test::scratchDir("h5ad_malformed_basic");
  std::ofstream(dir + "/text.h5ad") << "cell,gene\n1,2\n";
  expectInputError(dir + "/text.h5ad", {"not an HDF5 file"});
  expectInputError(dir + "/missing.h5ad", {"not found"});
  std::ofstream(dir + "/empty.h5ad").close();
  expectInputError(dir + "/empty.h5ad", {"not an HDF5 file"});

  AnnData a = test::sampleAnnData();
  writeH5ad(dir + "/good.h5ad", a);
  std::filesystem::copy_file(dir + "/good.h5ad", dir + "/truncated.h5ad");
  std::filesystem::resize_file(dir + "/truncated.h5ad", std::filesystem::file_size(dir + "/good.h5ad") / 2);
  expectInputError(dir + "/truncated.h5ad", {"truncated"});
}

TEST(H5adMalformed, EachDefectNamesItsHdf5Path) {
  if (!test::pythonHas("h5py")) GTEST_SKIP() << "python3 has no h5py module (apt install python3-h5py)";
  auto dir = test::scratchDir("h5ad_malformed");
  AnnData a = test::sampleAnnData();
  writeH5ad(dir + "/good.h5ad", a);
  // Each case: copy the good file, then break one thing with h5py.
  auto res = test::runPython(R"PY(
import shutil, h5py, numpy as np
d = ")PY" + dir + R"PY("
def case(name, fn):
    shutil.copy(f"{d}/good.h5ad", f"{d}/{name}.h5ad")
    with h5py.File(f"{d}/{name}.h5ad", "r+") as f:
        fn(f)
def replace(f, path, data):
    attrs = dict(f[path].attrs)
    del f[path]
    f[path] = data
    for k, v in attrs.items():
        f[path].attrs[k] = v
case("no_indptr", lambda f: f.__delitem__("X/indptr"))
case("bad_shape", lambda f: f["X"].attrs.__setitem__("shape", np.array([8, 5])))
case("indptr_decreasing", lambda f: replace(f, "X/indptr", np.array([0, 2, 1, 3, 3, 5, 6, 8], dtype=np.int32)))
case("indptr_past_end", lambda f: replace(f, "X/indptr", np.array([0, 2, 3, 4, 4, 6, 7, 99], dtype=np.int32)))
def bad_indices(f):
    v = f["X/indices"][...]; v[1] = 77; replace(f, "X/indices", v)
case("indices_out_of_range", bad_indices)
def bad_codes(f):
    v = f["obs/condition/codes"][...]; v[2] = 5; replace(f, "obs/condition/codes", v)
case("codes_out_of_range", bad_codes)
case("bad_utf8", lambda f: replace(f, "obs/_index", np.array([b"cell\xff%d" % i for i in range(7)])))
case("short_column", lambda f: replace(f, "obs/n_counts", np.arange(3.0)))
case("data_indices_mismatch", lambda f: replace(f, "X/data", np.ones(3, dtype=np.float32)))
case("unknown_x_encoding", lambda f: f["X"].attrs.__setitem__("encoding-type", "awkward-array"))
case("no_var", lambda f: f.__delitem__("var"))
def unknown_filter(f):
    v = f["obsm/X_umap"][...]
    del f["obsm/X_umap"]
    space = h5py.h5s.create_simple(v.shape)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk(v.shape)
    dcpl.set_filter(32001, h5py.h5z.FLAG_OPTIONAL, (0, 0, 0, 0, 4, 1, 1))
    h5py.h5d.create(f["obsm"].id, b"X_umap", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl).write(
        h5py.h5s.ALL, h5py.h5s.ALL, v)
case("unknown_filter", unknown_filter)
# Sizes that only the header holds (chunked, never written).
case("huge_uns", lambda f: f["uns"].create_dataset("huge", shape=(10**12,), chunks=(4096,), dtype="f4"))
def huge_obsm(f):
    del f["obsm/X_umap"]
    f["obsm"].create_dataset("X_umap", shape=(7, 10**9), chunks=(7, 4096), dtype="f4")
case("huge_obsm", huge_obsm)
with h5py.File(f"{d}/not_anndata.h5ad", "w") as f:
    f["images/a"] = np.zeros(3)
print("OK")
)PY");
  ASSERT_EQ(res.exitCode, 0) << res.output;
  auto f = [&](const std::string& n) { return dir + "/" + n + ".h5ad"; };
  expectInputError(f("no_indptr"), {"/X/indptr", "missing"});
  expectInputError(f("bad_shape"), {"/X", "8 x 5"});
  expectInputError(f("indptr_decreasing"), {"/X/indptr", "decreases"});
  expectInputError(f("indptr_past_end"), {"/X/indptr", "99"});
  expectInputError(f("indices_out_of_range"), {"/X/indices", "77"});
  expectInputError(f("codes_out_of_range"), {"/obs/condition/codes", "code 5"});
  expectInputError(f("bad_utf8"), {"/obs/_index", "UTF-8"});
  expectInputError(f("short_column"), {"/obs/n_counts", "3 values"});
  expectInputError(f("data_indices_mismatch"), {"/X/indices"});
  expectInputError(f("unknown_x_encoding"), {"/X", "awkward-array"});
  expectInputError(f("no_var"), {"/var", "missing"});
  expectInputError(f("unknown_filter"), {"/obsm/X_umap", "32001"});
  expectInputError(f("not_anndata"), {"not AnnData", "images"});
  setMemoryBudget(std::uint64_t(1) << 30);  // refused before allocating, whatever this machine has
  expectInputError(f("huge_uns"), {"/uns/huge", "would need 7.3 TB"});  // read as float64
  expectInputError(f("huge_obsm"), {"/obsm/X_umap", "would need 26.1 GB"});
  setMemoryBudget(0);
}
