#!/usr/bin/env bash
# PCA + UMAP benchmark: ours (bench_umap) against umap-learn on the same PCA
# input, in one run on the same machine.
#   bench/run_umap.sh [BUILD_DIR] [N_CELLS] [THREADS]
# Prints wall times and their ratio, trustworthiness (k=15, sklearn, on a
# 5,000-cell subsample) of both embeddings, HNSW recall@15, and the time to
# transform 1,000 new cells. umap-learn runs after a small warm-up fit and
# transform, so numba's JIT compilation is not counted against it.
set -euo pipefail
BUILD=${1:-build}
CELLS=${2:-50000}
THREADS=${3:-$(nproc)}
PY=/usr/bin/python3
OUT="$BUILD/bench/umap-run"
mkdir -p "$OUT"

"$BUILD/bench/bench_umap" --cells "$CELLS" --threads "$THREADS" --out "$OUT"

NUMBA_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS "$PY" - "$OUT" <<'PYEOF'
import json, sys, time, warnings
import numpy as np
warnings.filterwarnings('ignore')
out = sys.argv[1]
ours = json.load(open(out + '/ours.json'))
n, m, dims = ours['cells'], ours['new'], ours['dims']
X = np.fromfile(out + '/pca.f32', np.float32).reshape(n, dims)
Xn = np.fromfile(out + '/new_pca.f32', np.float32).reshape(m, dims)
E_ours = np.fromfile(out + '/umap.f32', np.float32).reshape(n, 2)
En_ours = np.fromfile(out + '/new_umap.f32', np.float32).reshape(m, 2)
lab = np.fromfile(out + '/labels.i32', np.int32)
nlab = np.fromfile(out + '/new_labels.i32', np.int32)

import umap
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

# Warm-up: compile umap-learn's numba kernels (NN-descent, SGD, transform) outside the timings.
w = umap.UMAP(n_neighbors=15, min_dist=0.1, force_approximation_algorithm=True).fit(X[:5000])
w.transform(Xn[:100])

t0 = time.perf_counter()
model = umap.UMAP(n_neighbors=15, min_dist=0.1)  # no random_state: umap-learn's parallel mode, like ours
E_ref = model.fit_transform(X)
t_ref = time.perf_counter() - t0
t0 = time.perf_counter()
En_ref = model.transform(Xn)
t_ref_tr = time.perf_counter() - t0

rng = np.random.default_rng(0)
sub = rng.choice(n, size=min(5000, n), replace=False)
tw_ours = trustworthiness(X[sub], E_ours[sub], n_neighbors=15)
tw_ref = trustworthiness(X[sub], E_ref[sub], n_neighbors=15)

def placement(E, En):
    # fraction of new cells whose nearest fitted cell in the picture has their cell type
    nn = NearestNeighbors(n_neighbors=1).fit(E)
    return float((lab[nn.kneighbors(En, return_distance=False)[:, 0]] == nlab).mean())

t_ours = ours['pca_s'] + ours['umap_fit_s']
res = {
    'cells': n, 'threads': ours['threads'],
    'ours_pca_s': round(ours['pca_s'], 3), 'ours_umap_fit_s': round(ours['umap_fit_s'], 3),
    'ours_pca_plus_umap_s': round(t_ours, 3),
    'umap_learn_fit_s': round(t_ref, 3),
    'speedup_umap_only': round(t_ref / ours['umap_fit_s'], 2),
    'speedup_incl_our_pca': round(t_ref / t_ours, 2),
    'trustworthiness_ours': round(tw_ours, 4), 'trustworthiness_umap_learn': round(tw_ref, 4),
    'hnsw_recall_at_15': round(ours['knn_recall_at_15'], 4),
    'ours_transform_1000_s': round(ours['transform_s'], 3),
    'ours_project_plus_transform_1000_s': round(ours['transform_s'] + ours['project_new_s'], 3),
    'umap_learn_transform_1000_s': round(t_ref_tr, 3),
    'placement_agreement_ours': round(placement(E_ours, En_ours), 4),
    'placement_agreement_umap_learn': round(placement(E_ref, En_ref), 4),
}
json.dump(res, open(out + '/comparison.json', 'w'), indent=1)
for k, v in res.items():
    print(f'{k:38s} {v}')
PYEOF
