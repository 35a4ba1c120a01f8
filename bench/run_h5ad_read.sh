#!/usr/bin/env bash
# Benchmarks our .h5ad reader against anndata.read_h5ad on a generated
# 100k-cell x 5k-gene CSR file (~5% nonzeros, obs "condition" with 200
# categories), stored twice: as anndata writes it by default (chunked,
# uncompressed) and gzip-compressed (as many public files are). Prints both
# readers' timings and the ratios for each.
#   bench/run_h5ad_read.sh [BUILD_DIR] [SCRATCH_DIR]
# Set KEEP=1 to keep the generated file (it is deleted afterwards otherwise).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
scratch="${2:-/tmp/scdfm_bench_h5ad}"
py=/usr/bin/python3
bench="$build/bench/bench_h5ad_read"
[ -x "$bench" ] || { echo "build bench_h5ad_read first (configure with -DSCDFM_BUILD_BENCH=ON)"; exit 2; }
mkdir -p "$scratch"
file="$scratch/bench_100k.h5ad"
gzfile="$scratch/bench_100k_gzip.h5ad"
value="GENE7+ctrl"

if [ ! -f "$file" ] || [ ! -f "$gzfile" ]; then
  echo "generating $file ..."
  "$py" - "$file" <<'PY'
import sys, warnings
import numpy as np, pandas as pd, scipy.sparse as sp
warnings.simplefilter("ignore")
import anndata as ad
n, g, p = 100_000, 5_000, 0.05
rng = np.random.default_rng(0)
indptr = [np.zeros(1, np.int64)]; indices = []; total = 0
for start in range(0, n, 10_000):
    m = min(10_000, n - start)
    # Sorted distinct columns per row: cumulative geometric gaps (density p).
    cols = np.cumsum(rng.geometric(p, size=(m, 400)), axis=1) - 1
    keep = cols < g
    indices.append(cols[keep].astype(np.int32))
    total_row = keep.sum(axis=1)
    indptr.append(total + np.cumsum(total_row)); total += int(total_row.sum())
indptr = np.concatenate(indptr); indices = np.concatenate(indices)
data = np.log1p(rng.integers(1, 40, size=indices.size)).astype(np.float32)
X = sp.csr_matrix((data, indices, indptr), shape=(n, g))
conds = ["ctrl"] + [f"GENE{i}+ctrl" for i in range(1, 200)]
obs = pd.DataFrame({"condition": pd.Categorical(rng.choice(conds, size=n)),
                    "cell_type": pd.Categorical(rng.choice(["K562", "RPE1"], size=n)),
                    "n_counts": np.asarray(X.sum(axis=1)).ravel()},
                   index=[f"cell{i}" for i in range(n)])
var = pd.DataFrame(index=[f"GENE{i}" for i in range(g)])
a = ad.AnnData(X, obs=obs, var=var)
a.write_h5ad(sys.argv[1])
a.write_h5ad(sys.argv[1].replace(".h5ad", "_gzip.h5ad"), compression="gzip")
print(f"nnz {X.nnz} ({X.nnz / n / g:.1%})")
PY
fi

run_one() {
local file="$1"
echo "== $(basename "$file") ($(du -m "$file" | cut -f1) MB)"
cat "$file" > /dev/null  # same page-cache state for both readers

ours_full=$("$bench" "$file" condition "$value" full)
ours_sub=$("$bench" "$file" condition "$value" subset)
echo "$ours_full"
echo "$ours_sub"
py_out=$("$py" - "$file" "$value" <<'PY'
import sys, time, resource, warnings
warnings.simplefilter("ignore")
import anndata as ad
f, value = sys.argv[1], sys.argv[2]
t0 = time.perf_counter(); a = ad.read_h5ad(f); t_full = time.perf_counter() - t0
del a
t0 = time.perf_counter()
b = ad.read_h5ad(f, backed="r")
sub = b[b.obs["condition"] == value].to_memory()
t_sub = time.perf_counter() - t0
print(f"anndata full load:   {t_full:.3f} s")
print(f"anndata backed subset: {t_sub:.3f} s  ({sub.n_obs} cells)  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB (whole process)")
print(f"PYFULL {t_full}\nPYSUB {t_sub}")
PY
)
echo "$py_out" | grep -v '^PY'
of=$(echo "$ours_full" | sed -n 's/ours full load: *\([0-9.]*\) s.*/\1/p')
os=$(echo "$ours_sub" | sed -n 's/ours subset load: *\([0-9.]*\) s.*/\1/p')
pf=$(echo "$py_out" | sed -n 's/^PYFULL //p')
ps=$(echo "$py_out" | sed -n 's/^PYSUB //p')
"$py" -c "print(f'ratio full load   (anndata / ours): {$pf/$of:.1f}x'); print(f'ratio subset load (anndata backed / ours): {$ps/$os:.1f}x')"
}

run_one "$file"
run_one "$gzfile"
if [ "${KEEP:-0}" != 1 ]; then rm -f "$file" "$gzfile"; fi
