#!/usr/bin/env bash
# Runs one sanitizer fuzz harness (built by tests/fuzz/CMakeLists.txt): first
# every saved regression input once, then a fixed number of inputs mutated from
# the seed corpus with a fixed seed, so a CI run is repeatable.
#   tests/fuzz/run-fuzz.sh FUZZ_BUILD_DIR TARGET RUNS [WORK_DIR] [libFuzzer options...]
# TARGET: h5ad, checkpoint, torch_import or perturbation. RUNS: inputs to try
# (-1 = until stopped). New interesting inputs and crash reproducers go to
# WORK_DIR (default: a fresh temporary folder), never into the source tree.
# Exit 0: no crash, leak, hang or broken promise; 77: harness not built (ctest
# reports the test as skipped); other: a finding (its input is in WORK_DIR).
# Environment: FUZZ_SEED (default 1), FUZZ_MAX_TIME (seconds, default 600),
# FUZZ_TIMEOUT (seconds per input, default 30: libhdf5's brief multi-GB
# allocations cost seconds under ASan on a busy machine; a hang still shows).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run-fuzz.sh FUZZ_BUILD_DIR TARGET RUNS [WORK_DIR] [options...]}
target=${2:?target}
runs=${3:?runs}
work=${4:-}
shift $(($# < 4 ? $# : 4))
exe="$build/fuzz_$target"
if [[ ! -x $exe ]]; then
  echo "run-fuzz: $exe is not built; build it with: cmake -S tests/fuzz -B $build -G Ninja" \
       "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ && cmake --build $build" >&2
  exit 77
fi
[[ -d $here/corpus/$target ]] || { echo "run-fuzz: unknown target '$target'" >&2; exit 2; }
if [[ -z $work ]]; then work=$(mktemp -d); fi
rm -rf "$work/new" && mkdir -p "$work/new"  # the same seed must start from the same inputs
# One reader thread: coverage that depends on thread timing would make the
# same seed take different paths from run to run.
export SCDFM_THREADS=1
inputs=("$work/new" "$here/corpus/$target")

# Leaks are findings; UB stops at the first report; a single allocation over
# 5000 MB is a finding (the readers' own budget is 32 MB here; libhdf5 may
# briefly ask for up to 4 GB, a 32-bit size from a damaged header, before its
# read fails). An impossible request (more than the address space) returns
# NULL as it would without ASan: libhdf5 checks for that and reports an error.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:symbolize=1:suppressions=$here/asan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
options=(-timeout="${FUZZ_TIMEOUT:-30}" -rss_limit_mb=2048 -malloc_limit_mb=5000 -error_exitcode=1)
# The inputs that once broke a reader, each run once: they must keep passing.
shopt -s nullglob
regressions=("$here/regressions/$target"/*)
if ((${#regressions[@]})); then
  echo "run-fuzz: replaying ${#regressions[@]} regression inputs"
  "$exe" "${options[@]}" "${regressions[@]}" > "$work/regressions.log" 2>&1 || {
    cat "$work/regressions.log" >&2
    echo "run-fuzz: a regression input fails again" >&2
    exit 1
  }
fi
# Then mutate from the seed corpus.
echo "run-fuzz: $target, $runs inputs, seed ${FUZZ_SEED:-1}, work folder $work"
exec "$exe" -runs="$runs" -seed="${FUZZ_SEED:-1}" "${options[@]}" -max_total_time="${FUZZ_MAX_TIME:-600}" \
  -dict="$here/dict/$target.dict" -artifact_prefix="$work/" -print_final_stats=1 "$@" "${inputs[@]}"
