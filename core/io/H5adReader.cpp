#include "core/io/H5adReader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/io/H5adDataFrameReader.h"
#include "core/io/H5adElementReader.h"
#include "core/io/H5adMatrixReader.h"
#include "core/io/Hdf5GuardedDriver.h"
#include "core/io/Hdf5Read.h"
#include "core/util/Error.h"

namespace scdfm {

using h5::Handle;
using h5::Ref;

struct H5adReader::Impl {
  std::string path;
  Handle file;
  H5adSummary summary;
  DataFrame obs, var;
  std::optional<h5ad::MatrixInfo> x;
  std::map<std::string, h5ad::MatrixInfo> layers;
  std::vector<std::string> consumedUns;  // 0.6 category lists, shown as columns instead

  const h5ad::MatrixInfo& layer(const std::string& name) const {
    auto it = layers.find(name);
    if (it == layers.end())
      throw InputError(path, "/layers/" + name, "no such layer",
                       summary.layers.empty() ? std::string("The file has no layers")
                                              : "Available layers: " + [&] {
                                                  std::string s;
                                                  for (const auto& l : summary.layers) s += (s.empty() ? "" : ", ") + l;
                                                  return s;
                                                }());
    return it->second;
  }
  const h5ad::MatrixInfo& xInfo() const {
    if (!x) throw InputError(path, "/X", "the file has no X matrix", "Choose a file with expression data in X");
    return *x;
  }
};

namespace {

void checkMatrixShape(const std::string& file, const h5ad::MatrixInfo& m, std::int64_t nObs, std::int64_t nVars) {
  if (m.rows != nObs || m.cols != nVars)
    throw InputError(file, m.path,
                     "has shape " + std::to_string(m.rows) + " x " + std::to_string(m.cols) + " but obs has " +
                         std::to_string(nObs) + " rows and var " + std::to_string(nVars),
                     "The matrix does not match obs/var; re-export the file with anndata");
}

}  // namespace

H5adReader::H5adReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::prepareLibrary();
  auto& d = *impl_;
  d.path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(path, "", "file not found", "Check the path");
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path, "", "is not a regular file", "Choose an .h5ad file");
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw InputError(path, "", "cannot be opened for reading", "Check the file permissions");
  }
  htri_t isH5 = H5Fis_hdf5(path.c_str());
  if (isH5 <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(path, "", "is not an HDF5 file (no HDF5 signature found)",
                     "Choose an AnnData .h5ad file; if it should be one, it may be truncated or a different format "
                     "(.loom, .mtx, .csv need converting with scanpy first)");
  }
  // Closed after the error text is taken: every HDF5 call clears the error stack.
  Handle fapl = h5::plistHandle(h5::guardedFileAccess());
  d.file = h5::fileHandle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.valid() ? fapl.get() : H5P_DEFAULT));
  if (!d.file.valid())
    throw InputError(path, "", "cannot be opened as HDF5: " + h5::errorStackText(),
                     "The file may be truncated or damaged (e.g. an interrupted download or copy); fetch it again");
  const hid_t f = d.file;
  const bool hasObs = h5::exists(f, "obs"), hasVar = h5::exists(f, "var"), hasX = h5::exists(f, "X");
  if (!hasObs && !hasVar && !hasX) {
    Ref root{path, "/"};
    Handle g = h5::openGroup(root, f, "/");
    auto names = h5::childNames(root, g);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw InputError(path, "/", "is an HDF5 file but not AnnData: it has no obs, var or X (top level: " +
                                    (list.empty() ? std::string("empty") : list) + ")",
                     "Choose an .h5ad file written by anndata/scanpy");
  }
  if (!hasObs) throw InputError(path, "/obs", "is missing", "An .h5ad needs obs (cells); re-export with anndata");
  if (!hasVar) throw InputError(path, "/var", "is missing", "An .h5ad needs var (genes); re-export with anndata");

  auto& s = d.summary;
  if (h5::stringAttr(Ref{path, "/"}, f, "encoding-type").value_or("") == "anndata")
    s.anndataGeneration = "0.8+";
  else if (h5::isGroup(f, "obs"))
    s.anndataGeneration = "0.7";
  else
    s.anndataGeneration = "0.6";

  d.obs = h5ad::readDataFrame(path, f, "obs", &d.consumedUns);
  d.var = h5ad::readDataFrame(path, f, "var", &d.consumedUns);
  s.nObs = static_cast<std::int64_t>(d.obs.rows());
  s.nVars = static_cast<std::int64_t>(d.var.rows());

  if (hasX) {
    d.x = h5ad::probeMatrix(path, f, "/X");
    checkMatrixShape(path, *d.x, s.nObs, s.nVars);
    s.hasX = true;
    s.xEncoding = d.x->encoding;
    s.xDtype = d.x->dtype;
    s.xNnz = d.x->nnz;
  }
  if (h5::isGroup(f, "layers")) {
    Ref lr{path, "/layers"};
    Handle g = h5::openGroup(lr, f, "layers");
    for (const auto& name : h5::childNames(lr, g)) {
      auto info = h5ad::probeMatrix(path, f, "/layers/" + name);
      checkMatrixShape(path, info, s.nObs, s.nVars);
      d.layers.emplace(name, info);
      s.layers.push_back(name);
    }
  }
  s.obsm = h5ad::embeddingKeys(path, f, "obsm");
  s.varm = h5ad::embeddingKeys(path, f, "varm");
}

H5adReader::~H5adReader() = default;
H5adReader::H5adReader(H5adReader&&) noexcept = default;
H5adReader& H5adReader::operator=(H5adReader&&) noexcept = default;

const std::string& H5adReader::path() const { return impl_->path; }
const H5adSummary& H5adReader::summary() const { return impl_->summary; }
const DataFrame& H5adReader::obs() const { return impl_->obs; }
const DataFrame& H5adReader::var() const { return impl_->var; }

ExpressionMatrix H5adReader::readX() const {
  h5::prepareLibrary();
  return h5ad::readMatrix(impl_->path, impl_->file, impl_->xInfo());
}

ExpressionMatrix H5adReader::readXRows(const std::vector<std::int64_t>& rows) const {
  h5::prepareLibrary();
  return h5ad::readMatrixRows(impl_->path, impl_->file, impl_->xInfo(), rows);
}

ExpressionMatrix H5adReader::readLayer(const std::string& name) const {
  h5::prepareLibrary();
  return h5ad::readMatrix(impl_->path, impl_->file, impl_->layer(name));
}

ExpressionMatrix H5adReader::readLayerRows(const std::string& name, const std::vector<std::int64_t>& rows) const {
  h5::prepareLibrary();
  return h5ad::readMatrixRows(impl_->path, impl_->file, impl_->layer(name), rows);
}

RowMatrixF H5adReader::readObsm(const std::string& key) const {
  h5::prepareLibrary();
  return h5ad::readEmbedding(impl_->path, impl_->file, "obsm", key, impl_->summary.nObs);
}

RowMatrixF H5adReader::readVarm(const std::string& key) const {
  h5::prepareLibrary();
  return h5ad::readEmbedding(impl_->path, impl_->file, "varm", key, impl_->summary.nVars);
}

nlohmann::json H5adReader::readUns() const {
  h5::prepareLibrary();
  const hid_t f = impl_->file;
  if (!h5::isGroup(f, "uns")) return nlohmann::json::object();
  auto j = h5ad::readJsonElement(impl_->path, f, "uns", "/uns");
  if (!j.is_object()) return nlohmann::json::object();
  for (const auto& k : impl_->consumedUns) j.erase(k);
  return j;
}

AnnData H5adReader::readAll() const {
  AnnData a;
  a.obs = impl_->obs;
  a.var = impl_->var;
  if (impl_->x) a.X = readX();
  for (const auto& name : impl_->summary.layers) a.layers.emplace(name, readLayer(name));
  for (const auto& k : impl_->summary.obsm) a.obsm.emplace(k, readObsm(k));
  for (const auto& k : impl_->summary.varm) a.varm.emplace(k, readVarm(k));
  a.uns = readUns();
  return a;
}

AnnData readH5ad(const std::string& path) { return H5adReader(path).readAll(); }

}  // namespace scdfm
