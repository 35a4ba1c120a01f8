#!/bin/sh
# Runs bench_inference and, when python3 has torch, the straightforward PyTorch
# evaluation of the same network (bench/reference_inference.py) on the same
# case and thread count, so the two can be compared on the same machine.
# Usage: bench/run_inference.sh <build-dir> [case-folder] [threads] [cells]
set -e
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
CASE=${2:-$HERE/../../shared/golden/small}
THREADS=${3:-$(nproc)}
CELLS=${4:-128}
echo "== bench_inference ($CASE, $THREADS threads)"
"$BUILD/bench/bench_inference" "$CASE" --threads "$THREADS" --cells "$CELLS"
if /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  for n in 16 "$CELLS"; do
    echo "== PyTorch reference, $n cells"
    # glibc's allocator set as our core sets it (core/util/Allocator): see bench/run
    MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 /usr/bin/python3 "$HERE/reference_inference.py" "$CASE" --threads "$THREADS" --cells "$n"
  done
else
  echo "(python3 torch not available: no reference run; spec reference: 0.88 s/eval for 16 cells, small config)"
fi
