#!/usr/bin/env bash
# Runs gtest cases of the AddressSanitizer build (SCDFM_SANITIZE=address; installer/dev.sh
# test builds it in <build>/asan) with leak checking: a leak, a use after free or
# undefined behaviour in our code fails the test.
#   tests/asan/run-under-asan.sh ASAN_BUILD_DIR TEST_EXECUTABLE GTEST_FILTER DATA_DIR
# DATA_DIR: the normal build's generated datasets (the ASan build does not make them).
# Exit 77 (ctest: skipped) when that build folder has no such executable.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run-under-asan.sh ASAN_BUILD_DIR TEST_EXECUTABLE GTEST_FILTER}
exe="$build/tests/${2:?test executable}"
filter=${3:?gtest filter}
export SCDFM_TEST_DATA_DIR=${4:?data dir}
if [[ ! -x $exe ]]; then
  echo "run-under-asan: $exe is not built; build it with: cmake -S . -B $build -G Ninja -DSCDFM_SANITIZE=address" \
       "-DSCDFM_BUILD_GUI=OFF -DSCDFM_BUILD_BENCH=OFF && cmake --build $build --target $2" >&2
  exit 77
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$exe" --gtest_filter="$filter" > "$log" 2>&1 || status=$?
cat "$log"
if ((status == 0)) && grep -q '^\[  SKIPPED \]' "$log"; then
  echo "run-under-asan: tests were skipped (no data in $SCDFM_TEST_DATA_DIR?): nothing was checked" >&2
  exit 1
fi
exit $status
