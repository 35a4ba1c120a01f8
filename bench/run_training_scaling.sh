#!/bin/sh
# Training throughput for 1 and 2 processes (and 1 process with 2 threads) on
# this machine, on the demo data the build writes; ratios are against the
# 1-process run of the same invocation. No other reference exists: the authors
# train on one GPU.
# Usage: bench/run_training_scaling.sh <build-dir> [data.h5ad] [steps] [global-batch]
set -e
BUILD=${1:-build}
DATA=${2:-$BUILD/data/demo.h5ad}
STEPS=${3:-8}
GLOBAL=${4:-4}
echo "== bench_training_scaling ($DATA)"
"$BUILD/bench/bench_training_scaling" "$DATA" --steps "$STEPS" --global-batch "$GLOBAL" --genes-per-step 200
