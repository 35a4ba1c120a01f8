#pragma once
// An opened single-cell perturbation dataset: an .h5ad file read lazily
// (metadata on open, expression only for the cells asked for), with its gene
// names, detected column roles and PerturbationCatalog. Used by the CLI and
// the GUI alike.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/ColumnRoles.h"
#include "core/data/PerturbationCatalog.h"
#include "core/io/AnnData.h"

namespace scdfm {

class H5adReader;
struct H5adSummary;

struct DatasetOptions {
  ColumnRoleOverrides roles;  // user choices; the rest is auto-detected
};

class Dataset {
 public:
  // Opens the file and reads obs/var only. Throws InputError for a missing,
  // non-HDF5 or non-AnnData file, or for overrides naming unknown columns.
  explicit Dataset(const std::string& path, const DatasetOptions& options = {});
  ~Dataset();
  Dataset(Dataset&&) noexcept;
  Dataset& operator=(Dataset&&) noexcept;

  const std::string& path() const;
  const H5adReader& reader() const { return *reader_; }
  const H5adSummary& summary() const;
  std::int64_t nCells() const;
  std::int64_t nGenes() const;

  const DataFrame& obs() const;
  const DataFrame& var() const;

  // Gene names shown to users and matched against perturbation targets: the
  // var index or the detected/chosen symbol column (made unique with "-1",
  // "-2" suffixes like anndata's var_names_make_unique). geneIds() is the var
  // index as stored.
  const std::vector<std::string>& geneNames() const { return geneNames_; }
  const std::vector<std::string>& geneIds() const;
  // "var index" or "var['gene_symbols']".
  std::string geneNameSource() const;
  // Exact match first, then case-insensitive; nullopt when absent.
  std::optional<std::int64_t> findGene(const std::string& name) const;
  // As findGene, but throws InputError naming the gene and the closest names.
  std::int64_t geneIndex(const std::string& name) const;

  const RoleDetection& roles() const { return roles_; }
  const PerturbationCatalog& catalog() const { return catalog_; }

  // Expression of the given cells (rows in this order), from X or a layer.
  // Reads only those rows. Throws InputError when X / the layer is absent or a
  // row is out of range.
  ExpressionMatrix expression(const std::vector<std::int64_t>& rows, const std::string& layer = {}) const;

  // obsm keys holding 2-D+ embeddings (X_umap, X_pca, X_tsne ...), sorted.
  std::vector<std::string> embeddingKeys() const;
  // The embedding under `key`, or (key empty) X_umap, else X_pca, else none.
  std::optional<RowMatrixF> embedding(const std::string& key = {}) const;

 private:
  std::unique_ptr<H5adReader> reader_;
  std::vector<std::string> geneNames_;
  RoleDetection roles_;
  PerturbationCatalog catalog_;
};

// Gene display names from var: `column` ("" = the index), with duplicates made
// unique ("-1", "-2" suffixes) and missing names replaced by the index entry.
std::vector<std::string> geneNamesFromVar(const DataFrame& var, const std::string& column);

}  // namespace scdfm
