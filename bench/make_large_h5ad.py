#!/usr/bin/python3
"""Writes a large Perturb-seq-like .h5ad (CSR X) in chunks, so that a file
larger than memory can be made: h5py only, the AnnData 0.8 layout.

    make_large_h5ad.py OUT.h5ad [--cells 1000000] [--genes 2000] [--density 0.08]

obs: condition (categorical: ctrl, GENE<i>+ctrl for 150 genes, 50 pairs
GENE<i>+GENE<j>; ~10% control cells), cell_type (K562 / RPE1). var: GENE0...
X: counts as float32, sorted column indices per row. A bench and test helper
(bench/large_data.sh, tests/cli/LargeDataTest.cpp), never part of the product.
"""
import argparse

import h5py
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--cells", type=int, default=1_000_000)
p.add_argument("--genes", type=int, default=2000)
p.add_argument("--density", type=float, default=0.08)
p.add_argument("--chunk", type=int, default=50_000)
a = p.parse_args()
n, g = a.cells, a.genes
rng = np.random.default_rng(0)

singles = [f"GENE{i}+ctrl" for i in range(1, 151)]
pairs = [f"GENE{i}+GENE{i + 1}" for i in range(1, 100, 2)]
conditions = sorted(["ctrl"] + singles + pairs)  # pandas' category order
ctrl = conditions.index("ctrl")
probs = np.full(len(conditions), 0.9 / (len(conditions) - 1))
probs[ctrl] = 0.1


def enc(obj, kind, version="0.2.0"):
    obj.attrs["encoding-type"] = kind
    obj.attrs["encoding-version"] = version


def strings(group, name, values):
    d = group.create_dataset(name, data=np.array(values, dtype=object), dtype=h5py.string_dtype())
    enc(d, "string-array")


def categorical(group, name, codes, categories):
    c = group.create_group(name)
    enc(c, "categorical")
    c.attrs["ordered"] = False
    strings(c, "categories", categories)
    d = c.create_dataset("codes", data=codes.astype(np.int16))
    enc(d, "array")


with h5py.File(a.out, "w") as f:
    enc(f, "anndata", "0.1.0")
    X = f.create_group("X")
    enc(X, "csr_matrix", "0.1.0")
    X.attrs["shape"] = (n, g)
    data = X.create_dataset("data", shape=(0,), maxshape=(None,), dtype=np.float32, chunks=(1 << 20,))
    indices = X.create_dataset("indices", shape=(0,), maxshape=(None,), dtype=np.int32, chunks=(1 << 20,))
    indptr = np.zeros(n + 1, np.int64)
    total = 0
    for start in range(0, n, a.chunk):
        m = min(a.chunk, n - start)
        # Sorted distinct columns per row: cumulative geometric gaps (density p).
        width = int(g * a.density * 1.5) + 20
        cols = np.cumsum(rng.geometric(a.density, size=(m, width)), axis=1) - 1
        keep = cols < g
        idx = cols[keep].astype(np.int32)
        vals = rng.integers(1, 20, size=idx.size).astype(np.float32)
        indptr[start + 1:start + m + 1] = total + np.cumsum(keep.sum(axis=1))
        data.resize((total + idx.size,))
        indices.resize((total + idx.size,))
        data[total:] = vals
        indices[total:] = idx
        total += idx.size
        print(f"\r{start + m}/{n} cells, {total} nonzeros", end="", flush=True)
    print()
    X.create_dataset("indptr", data=indptr)

    obs = f.create_group("obs")
    enc(obs, "dataframe")
    obs.attrs["_index"] = "_index"
    obs.attrs.create("column-order", ["condition", "cell_type"], dtype=h5py.string_dtype())
    strings(obs, "_index", [f"cell{i}" for i in range(n)])
    categorical(obs, "condition", rng.choice(len(conditions), size=n, p=probs), conditions)
    categorical(obs, "cell_type", rng.integers(0, 2, size=n), ["K562", "RPE1"])

    var = f.create_group("var")
    enc(var, "dataframe")
    var.attrs["_index"] = "_index"
    var.attrs.create("column-order", np.array([], dtype="S1"), dtype=h5py.string_dtype())
    strings(var, "_index", [f"GENE{i}" for i in range(g)])

    for name in ("layers", "obsm", "varm", "obsp", "varp", "uns"):
        enc(f.create_group(name), "dict", "0.1.0")
print(f"wrote {a.out}: {n} cells x {g} genes, {total} nonzeros")
