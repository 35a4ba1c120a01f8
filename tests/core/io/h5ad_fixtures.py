"""Writes .h5ad files of every AnnData generation/encoding into argv[1], plus
expected.json with the values each file must read back as (computed here with
numpy/pandas, independently of the C++ reader). Used by H5adPythonFilesTest."""
import json
import sys
import warnings

import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp

warnings.simplefilter("ignore")
import anndata as ad  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(7)
n, g = 9, 6
dense = (rng.random((n, g)) < 0.4) * rng.integers(1, 20, (n, g)).astype(np.float32)
dense[4] = 0
expected = {}


def fmt(v):
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


def col_expect(s):
    if isinstance(s.dtype, pd.CategoricalDtype):
        return {"kind": "categorical", "categories": [fmt(c) for c in s.cat.categories],
                "values": [None if pd.isna(v) else fmt(v) for v in s.tolist()]}
    if s.dtype == object:
        return {"kind": "string", "values": s.tolist()}
    vals = [None if pd.isna(v) else float(v) for v in s.tolist()]
    return {"kind": "number", "values": vals}


def record(name, X, obs, var, obsm=None, uns=None, layers=None):
    expected[name] = {
        "X": None if X is None else np.asarray(X, dtype=np.float64).tolist(),
        "obs_index": [str(x) for x in obs.index], "var_index": [str(x) for x in var.index],
        "obs": {c: col_expect(obs[c]) for c in obs.columns},
        "var": {c: col_expect(var[c]) for c in var.columns},
        "obsm": {k: np.asarray(v, dtype=np.float64).tolist() for k, v in (obsm or {}).items()},
        "uns": uns or {},
        "layers": {k: np.asarray(v, dtype=np.float64).tolist() for k, v in (layers or {}).items()},
    }


obs = pd.DataFrame({
    # control is not category code 0 here
    "condition": pd.Categorical(["KLF1+ctrl", "ctrl", "ctrl", "BAK1+ctrl", "ctrl", "KLF1+ctrl", None, "ctrl", "BAK1+ctrl"],
                                categories=["BAK1+ctrl", "KLF1+ctrl", "ctrl"]),
    "dose": pd.Categorical([0.1, 1.0, 10.0, 1.0, 0.1, 0.1, 10.0, 1.0, 1.0]),
    "n_counts": np.arange(n) * 1.5,
    "n_genes": np.arange(n, dtype=np.int64) - 2,
    "is_ctrl": np.array([False, True, True, False, True, False, False, True, False]),
    "note": ["a", "b", "c", "d", "é", "f", "g", "h", "i"],
    "batch_i": pd.array([1, None, 3, 4, 5, 6, 7, None, 9], dtype="Int64"),
    "flag_b": pd.array([True, False, None, True, True, False, True, True, False], dtype="boolean"),
}, index=[f"AAAC-{i}" for i in range(n)])
var = pd.DataFrame({"highly_variable": np.array([True, False] * 3), "means": np.linspace(0, 1, g)},
                   index=[f"GENE{i}" for i in range(g)])
umap = rng.normal(size=(n, 2)).astype(np.float32)
pca = rng.normal(size=(n, 3)).astype(np.float32)
uns = {"condition_colors": ["#aa0000", "#00bb00", "#0000cc"], "neighbors": {"params": {"n_neighbors": 15, "method": "umap"}},
       "pi": 3.25, "title": "screen"}

a = ad.AnnData(sp.csr_matrix(dense), obs=obs.copy(), var=var.copy())
a.obsm["X_umap"] = umap
a.obsm["X_pca"] = pca
a.varm["PCs"] = rng.normal(size=(g, 3)).astype(np.float32)
a.uns["condition_colors"] = np.array(uns["condition_colors"], dtype=object)
a.uns["neighbors"] = uns["neighbors"]
a.uns["pi"] = uns["pi"]
a.uns["title"] = uns["title"]
a.layers["counts_csc"] = sp.csc_matrix(dense * 3)
a.write_h5ad(f"{out}/v08_csr.h5ad")
record("v08_csr", dense, obs, var, {"X_umap": umap, "X_pca": pca}, uns, {"counts_csc": dense * 3})

# int64 indices and indptr (large matrices from scipy/anndata have them)
with h5py.File(f"{out}/v08_csr.h5ad", "r") as src, h5py.File(f"{out}/v08_int64.h5ad", "w") as dst:
    for k in src.attrs:
        dst.attrs[k] = src.attrs[k]
    for k in src:
        if k != "X":
            src.copy(src[k], dst, k)
    x = dst.create_group("X")
    for k in src["X"].attrs:
        x.attrs[k] = src["X"].attrs[k]
    x["data"] = src["X/data"][...]
    x["indices"] = src["X/indices"][...].astype(np.int64)
    x["indptr"] = src["X/indptr"][...].astype(np.int64)
record("v08_int64", dense, obs, var, {"X_umap": umap, "X_pca": pca}, uns)

# gzip + shuffle + fletcher32 in small chunks (the last one partial)
with h5py.File(f"{out}/v08_csr.h5ad", "r") as src, h5py.File(f"{out}/v08_gzip_chunks.h5ad", "w") as dst:
    for k in src.attrs:
        dst.attrs[k] = src.attrs[k]
    for k in src:
        if k != "X":
            src.copy(src[k], dst, k)
    x = dst.create_group("X")
    for k in src["X"].attrs:
        x.attrs[k] = src["X"].attrs[k]
    for part in ("data", "indices", "indptr"):
        x.create_dataset(part, data=src["X/" + part][...], chunks=(4,), compression="gzip", shuffle=True,
                         fletcher32=True)
record("v08_gzip_chunks", dense, obs, var, {"X_umap": umap, "X_pca": pca}, uns)

small = ad.AnnData(sp.csc_matrix(dense), obs=obs[["condition"]].copy(), var=var[[]].copy())
small.write_h5ad(f"{out}/v08_csc.h5ad")
record("v08_csc", dense, obs[["condition"]], var[[]])

d64 = ad.AnnData(dense.astype(np.float64) / 7, obs=obs[["n_counts"]].copy(), var=var[[]].copy())
d64.write_h5ad(f"{out}/v08_dense64.h5ad", compression="gzip")
record("v08_dense64", dense.astype(np.float64) / 7, obs[["n_counts"]], var[[]])

dint = ad.AnnData(dense.astype(np.int32), obs=obs[["note"]].copy(), var=var[[]].copy(), dtype=np.int32)
dint.write_h5ad(f"{out}/v08_denseint.h5ad")
record("v08_denseint", dense, obs[["note"]], var[[]])

nox = ad.AnnData(obs=obs[["condition"]].copy(), var=var[[]].copy())
nox.write_h5ad(f"{out}/v08_nox.h5ad")
record("v08_nox", None, obs[["condition"]], var[[]])

lzf = ad.AnnData(sp.csr_matrix(dense), obs=obs[["condition", "n_counts"]].copy(), var=var[[]].copy())
lzf.write_h5ad(f"{out}/v08_lzf.h5ad", compression="lzf")
record("v08_lzf", dense, obs[["condition", "n_counts"]], var[[]])

str_dt = h5py.special_dtype(vlen=str)

# anndata 0.7 layout: __categories subgroup, codes as column datasets, LZF.
with h5py.File(f"{out}/v07.h5ad", "w") as f:
    csr = sp.csr_matrix(dense)
    x = f.create_group("X")
    x.attrs["encoding-type"] = "csr_matrix"
    x.attrs["encoding-version"] = "0.1.0"
    x.attrs["shape"] = np.array([n, g])
    x.create_dataset("data", data=csr.data, compression="lzf")
    x.create_dataset("indices", data=csr.indices, compression="lzf")
    x.create_dataset("indptr", data=csr.indptr)
    for name, df in (("obs", obs[["condition", "dose", "n_counts", "note"]]), ("var", var[["means"]])):
        grp = f.create_group(name)
        grp.attrs["_index"] = "_index"
        grp.attrs["column-order"] = np.array(list(df.columns), dtype=object)
        grp.attrs["encoding-type"] = "dataframe"
        grp.attrs["encoding-version"] = "0.1.0"
        grp.create_dataset("_index", data=np.array(list(df.index), dtype=object), dtype=str_dt)
        cats = grp.create_group("__categories")
        for c in df.columns:
            s = df[c]
            if isinstance(s.dtype, pd.CategoricalDtype):
                cv = s.cat.categories.values
                cd = cats.create_dataset(c, data=cv.astype(object) if cv.dtype == object else cv,
                                         dtype=str_dt if cv.dtype == object else cv.dtype)
                cd.attrs["ordered"] = False
                ds = grp.create_dataset(c, data=s.cat.codes.values, compression="lzf")
                ds.attrs["categories"] = cd.ref
            elif s.dtype == object:
                grp.create_dataset(c, data=s.values.astype(object), dtype=str_dt)
            else:
                grp.create_dataset(c, data=s.values)
    f.create_group("obsm").create_dataset("X_umap", data=umap)
    u = f.create_group("uns")
    u.create_dataset("condition_colors", data=np.array(uns["condition_colors"], dtype=object), dtype=str_dt)
    u.create_group("neighbors").create_group("params").create_dataset("n_neighbors", data=15)
    f["uns/neighbors/params"].create_dataset("method", data="umap", dtype=str_dt)
    u.create_dataset("pi", data=3.25)
    u.create_dataset("title", data="screen", dtype=str_dt)
record("v07", dense, obs[["condition", "dose", "n_counts", "note"]], var[["means"]], {"X_umap": umap}, uns)

# anndata 0.5/0.6 layout: packed compound tables, h5sparse X, categories in uns.
with h5py.File(f"{out}/v06.h5ad", "w") as f:
    csr = sp.csr_matrix(dense)
    x = f.create_group("X")
    x.attrs["h5sparse_format"] = np.bytes_("csr")
    x.attrs["h5sparse_shape"] = np.array([n, g])
    x["data"] = csr.data
    x["indices"] = csr.indices
    x["indptr"] = csr.indptr
    cond = obs["condition"]
    rec = np.zeros(n, dtype=[("index", "S12"), ("condition", "i1"), ("n_counts", "f4"), ("n_genes", "i8")])
    rec["index"] = [s.encode() for s in obs.index]
    rec["condition"] = cond.cat.codes.values
    rec["n_counts"] = obs["n_counts"].values
    rec["n_genes"] = obs["n_genes"].values
    f["obs"] = rec
    vrec = np.zeros(g, dtype=[("index", "S12"), ("means", "f8")])
    vrec["index"] = [s.encode() for s in var.index]
    vrec["means"] = var["means"].values
    f["var"] = vrec
    orec = np.zeros(n, dtype=[("X_umap", "f4", (2,)), ("X_pca", "f4", (3,))])
    orec["X_umap"] = umap
    orec["X_pca"] = pca
    f["obsm"] = orec
    f["uns/condition_categories"] = np.array([c.encode() for c in cond.cat.categories])
    f["uns/condition_colors"] = np.array([c.encode() for c in uns["condition_colors"]])
old_obs = obs[["condition", "n_counts", "n_genes"]].copy()
old_obs["n_counts"] = old_obs["n_counts"].astype(np.float32)
record("v06", dense, old_obs, var[["means"]], {"X_umap": umap, "X_pca": pca},
       {"condition_colors": uns["condition_colors"]})

with open(f"{out}/expected.json", "w") as fh:
    json.dump(expected, fh)
print("OK")
