#!/usr/bin/env bash
# Regenerates tests/fuzz/corpus/: the Python-written seeds (make_corpus.py),
# a small dataset from the simulator (with drugs and doses, gzip-compressed,
# so the chunked and filtered read paths are seeded too) and a checkpoint
# from a one-step `scdfm train` on it (our real encoding, trainer state included).
#   tests/fuzz/make_corpus.sh [BUILD_DIR]    (default: build; needs build/bin/scdfm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
scdfm="$build/bin/scdfm --threads 1"
corpus="$here/corpus"
/usr/bin/python3 "$here/make_corpus.py" "$corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$scdfm simulate --quiet --seed 1 --genes 50 --cells-per-condition 3 --control-cells 12 --singles 3 --combos 1 \
  --drugs 1 --doses 10,100 --drug-combos 0 --cell-types 2 --no-truth --compress --out "$tmp/sim.h5ad"
cp "$tmp/sim.h5ad" "$corpus/h5ad/simulated_gzip.h5ad"
$scdfm simulate --quiet --seed 2 --genes 50 --cells-per-condition 3 --control-cells 12 --singles 3 --combos 1 \
  --drugs 0 --drug-combos 0 --cell-types 1 --no-truth --out "$tmp/sim_genes.h5ad"
cp "$tmp/sim_genes.h5ad" "$corpus/h5ad/simulated.h5ad"
$scdfm train "$tmp/sim_genes.h5ad" --out "$tmp/model" --steps 1 --seed 1 --d-model 8 --layers 1 --heads 2 --hvg 0 \
  --topk 3 --batch 4 --genes-per-step 20 --device cpu --quiet
cp "$tmp/model/checkpoint.safetensors" "$corpus/checkpoint/trained.safetensors"
du -sh "$corpus"/*
