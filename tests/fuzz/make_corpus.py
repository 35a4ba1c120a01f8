"""Writes the seed corpus of the fuzz harnesses into tests/fuzz/corpus/ (run
with /usr/bin/python3; needs anndata, h5py, torch). Seeds are small files in
the encodings users' files really have: AnnData of several generations (some
from tests/core/io/h5ad_fixtures.py), torch.save checkpoints and masks, our
safetensors checkpoints, perturbation text. The `scdfm simulate` and `scdfm
train` seeds are added by make_corpus.sh, which calls this script first."""
import collections
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings

import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

warnings.simplefilter("ignore")
import anndata as ad  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
dirs = {k: os.path.join(out, k) for k in ("h5ad", "checkpoint", "torch_import", "perturbation")}
for d in dirs.values():
    os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(3)


def h5ad(name):
    return os.path.join(dirs["h5ad"], name + ".h5ad")


# --- AnnData -----------------------------------------------------------------
# Older generations and CSC, as the reader's own tests write them.
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, os.path.join(here, "..", "core", "io", "h5ad_fixtures.py"), tmp], check=True,
                   stdout=subprocess.DEVNULL)
    for name in ("v06", "v07", "v08_csc", "v08_nox"):
        shutil.copy(os.path.join(tmp, name + ".h5ad"), h5ad(name))

# GEARS / Norman style: CSR counts, condition labels A+ctrl / A+B / ctrl, cell
# type, gene symbols in var, a UMAP and plotting colours.
n, g = 8, 5
genes = ["KLF1", "MAP2K6", "BAK1", "CEBPE", "ETS2"]
counts = sp.csr_matrix((rng.random((n, g)) < 0.5) * rng.integers(1, 9, (n, g)).astype(np.float32))
obs = pd.DataFrame({
    "condition": pd.Categorical(["ctrl", "KLF1+ctrl", "KLF1+MAP2K6", "ctrl", "BAK1+ctrl", "ctrl", "MAP2K6+ctrl",
                                 "KLF1+MAP2K6"]),
    "cell_type": pd.Categorical(["K562"] * n),
    "n_counts": np.asarray(counts.sum(axis=1)).ravel(),
}, index=[f"cell{i}" for i in range(n)])
var = pd.DataFrame({"gene_symbols": genes}, index=[f"ENSG0000{i}" for i in range(g)])
a = ad.AnnData(counts, obs=obs, var=var)
a.obsm["X_umap"] = rng.normal(size=(n, 2)).astype(np.float32)
a.uns["condition_colors"] = np.array(["#aa0000", "#00aa00", "#0000aa", "#aaaa00", "#00aaaa"], dtype=object)
a.write_h5ad(h5ad("gears_csr"))

# sci-Plex style: dense log-normalised X, drug + dose columns, combos joined by '+'.
n, g = 6, 4
obs = pd.DataFrame({
    "perturbation": pd.Categorical(["control", "dexamethasone", "dexamethasone", "nutlin+dexamethasone",
                                    "control", "nutlin"]),
    "dose_value": ["0", "10", "100", "10+100", "0", "1000"],
    "dose_unit": pd.Categorical(["nM"] * n),
    "perturbation_type": pd.Categorical(["control", "drug", "drug", "drug", "control", "drug"]),
    "cell_line": pd.Categorical(["A549", "A549", "MCF7", "MCF7", "MCF7", "A549"]),
}, index=[f"c{i}" for i in range(n)])
a = ad.AnnData(np.log1p(rng.random((n, g)) * 5).astype(np.float32), obs=obs,
               var=pd.DataFrame(index=["TP53", "CDKN1A", "MDM2", "GAPDH"]))
a.write_h5ad(h5ad("sciplex_dense"))

# Nullable integers / booleans, a layer, no X.
obs = pd.DataFrame({"guide": pd.Categorical(["non-targeting", "KLF1", "KLF1", "non-targeting"]),
                    "batch": pd.array([1, None, 2, 2], dtype="Int64"),
                    "pass_qc": pd.array([True, None, False, True], dtype="boolean")},
                   index=["a", "b", "c", "d"])
a = ad.AnnData(obs=obs, var=pd.DataFrame(index=["KLF1", "GATA1"]))
a.layers["counts"] = sp.csr_matrix(np.array([[1, 0], [0, 2], [3, 0], [0, 0]], dtype=np.float32))
a.write_h5ad(h5ad("nullable_layer"))

# HDF5 but not AnnData.
with h5py.File(h5ad("not_anndata"), "w") as f:
    f["images/a"] = np.zeros(3, dtype=np.uint8)

# --- torch.save files ----------------------------------------------------------
def pt(name, obj, **kw):
    torch.save(obj, os.path.join(dirs["torch_import"], name + ".pt"), **kw)


torch.manual_seed(0)
sd = collections.OrderedDict()
sd["encoder.embedding.weight"] = torch.randn(6, 4)
sd["encoder.embedding.bias"] = torch.zeros(4, dtype=torch.float16)
sd["blocks.0.lambda_q1"] = torch.randn(2)
sd["blocks.0.mlp.fc1.weight"] = torch.randn(8, 4).t()  # a non-contiguous view
sd["steps"] = torch.tensor([3], dtype=torch.int64)
sd._metadata = collections.OrderedDict({"": {"version": 1}})
pt("state_dict", sd)
pt("nested_checkpoint", {"model_state_dict": sd, "optimizer_state_dict": {"state": {0: {"step": 4}},
                                                                             "param_groups": [{"lr": 1e-3}]},
                         "iteration": 3, "note": "fold 1", "flags": (True, None, 2.5)})
pt("mask_bool", torch.rand(6, 6) > 0.5)
base = torch.arange(24, dtype=torch.float32)
pt("views", {"offset": base[5:9], "strided": base.view(4, 6)[:, ::2], "bf16": torch.ones(3, dtype=torch.bfloat16)})
pt("protocol4", {"model": collections.OrderedDict(w=torch.ones(2, 2))}, pickle_protocol=4)
# The pickles alone: the harness stores an input that is not a zip into a fresh
# archive (valid CRCs), so that mutations reach the unpickler.
import zipfile  # noqa: E402
for name in ("state_dict", "nested_checkpoint", "views", "protocol4"):
    with zipfile.ZipFile(os.path.join(dirs["torch_import"], name + ".pt")) as z:
        pkl = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        with open(os.path.join(dirs["torch_import"], name + ".pkl"), "wb") as f:
            f.write(z.read(pkl))

# --- safetensors checkpoints (ours) --------------------------------------------
def safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, (dtype, shape, raw) in sorted(tensors.items()):
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hs = json.dumps(header, separators=(",", ":")).encode()
    hs += b" " * (-(len(hs) + 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hs)) + hs + b"".join(blobs))


config = {"ntoken": 10, "d_model": 8, "nhead": 2, "nlayers": 1, "n_graph_tokens": 6, "pad_tokens": 4,
          "mlp_ratio": 2.0, "encoder_nhead": 8, "encoder_hidden": 0, "dropout": 0.0,
          "frequency_embedding_size": 16, "model_type": "origin", "fusion_method": "differential_perceiver",
          "perturbation_function": "crisper", "n_perturbation_labels": 0, "mode": "predict_y",
          "use_perturbation_interaction": True}
vocab = ["<pad>", "<cls>", "<mask>", "ctrl", "KLF1", "MAP2K6"]
meta = {"format": "scdfm-studio-checkpoint", "format_version": "1", "model_config": json.dumps(config),
        "genes": json.dumps(["KLF1", "MAP2K6"]), "vocabulary": json.dumps(vocab), "drugs": "[]",
        "graph": json.dumps({"source": "fuzz seed"}),
        "preprocessing": json.dumps({"normalize_total": 10000, "log1p": True}),
        "training": json.dumps({"steps": 1, "seed": 0, "train_conditions": ["KLF1+ctrl"]})}
w = np.arange(10 * 8, dtype=np.float32).reshape(10, 8) / 80
mask = (np.eye(6) == 0).astype(np.uint8)
safetensors(os.path.join(dirs["checkpoint"], "minimal.safetensors"),
            {"encoder.embedding.weight": ("F32", [10, 8], w.tobytes()),
             "blocks.0.lambda_q1": ("F16", [4], np.ones(4, np.float16).tobytes()),
             "scdfm.graph_mask": ("BOOL", [6, 6], mask.tobytes()),
             "scdfm.state.step": ("I64", [1], np.array([1], np.int64).tobytes())}, meta)
safetensors(os.path.join(dirs["torch_import"], "bare_state_dict.safetensors"),
            {"encoder.embedding.weight": ("F32", [10, 8], w.tobytes())}, {})

# --- perturbation text: query, then a file's label and dose (one per line) -----
texts = {
    "gene_pair": "KLF1+MAP2K6\nKLF1+MAP2K6\n",
    "ctrl_combo": "KLF1+ctrl\nctrl+BAK1\n0+0",
    "drug_dose_unit": "drug:dexamethasone@10uM\ndexamethasone\n10",
    "drug_combo": "Panobinostat@10+Crizotinib@100 nM\nPanobinostat+Crizotinib\n10+100",
    "mixed_kinds": "gene:KLF1+drug:nutlin@1e3pM\nKLF1|nutlin\n0|1000",
    "control": "control\nnon-targeting\n",
    "unicode": "dex@5µM\nµ-opioid;ctrl\n5;0",
}
for name, text in texts.items():
    with open(os.path.join(dirs["perturbation"], name + ".txt"), "w", encoding="utf-8") as f:
        f.write(text)
print("corpus written to", out)
