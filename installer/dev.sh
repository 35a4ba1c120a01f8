#!/usr/bin/env bash
# One entry point for the README's Quick-start commands:
#   installer/dev.sh run      install dependencies, build, launch the app on the demo
#                             dataset with the demo model (models/scdfm-demo/), predicting a held-out pair
#   installer/dev.sh test     install dependencies, build (and the sanitizer builds: fuzz harnesses,
#                             cancellation tests under ASan), run every test
#   installer/dev.sh package  install dependencies, build, make the Debian package (prints its path)
# Build folder: $SCDFM_BUILD_DIR (default ./build). Jobs: $SCDFM_JOBS (default: cores).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
[[ $mode == run || $mode == test || $mode == package ]] || { echo "usage: installer/dev.sh run|test|package" >&2; exit 2; }

installer/install-deps.sh
BUILD=${SCDFM_BUILD_DIR:-build}
JOBS=${SCDFM_JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/scdfm-ccache}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j "$JOBS"
if [[ $mode == test ]]; then
  # The fuzz harnesses, built with clang, libFuzzer and the address/UB/leak
  # sanitizers in their own folder; ctest's `fuzz` tests run them.
  cmake -S tests/fuzz -B "$BUILD/fuzz" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
  cmake --build "$BUILD/fuzz" -j "$JOBS"
  # Our code with AddressSanitizer + LeakSanitizer + UBSan, only the test
  # executables of the cancellation tests (ctest's `asan` tests run them).
  # -O1 and line tables: faster to compile, still readable reports.
  cmake -S . -B "$BUILD/asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
        -DSCDFM_SANITIZE=address -DSCDFM_BUILD_GUI=OFF -DSCDFM_BUILD_BENCH=OFF
  cmake --build "$BUILD/asan" -j "$JOBS" --target test_core_flow test_core_embed
fi

if [[ $mode == run ]]; then
  # --demo: the demo dataset and the shipped model (found next to the build, as
  # core/util/InstallPaths.h says), with one held-out pair predicted at once.
  # Extra arguments go to the app (e.g. --screenshot FILE.png).
  if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    echo "No display found; starting the app under xvfb-run (set DISPLAY to use your screen)."
    exec xvfb-run -a -s "-screen 0 1920x1200x24" "$BUILD/bin/scdfm-studio" --demo "${@:2}"
  fi
  exec "$BUILD/bin/scdfm-studio" --demo "${@:2}"
fi

if [[ $mode == package ]]; then
  (cd "$BUILD" && cpack)
  deb=$(ls -t "$BUILD"/scdfm-studio_*.deb | head -n 1)
  echo "Debian package: $(realpath "$deb")"
  echo "Install it with: apt install $(realpath "$deb")"
  exit 0
fi

cd "$BUILD"
rm -rf test-work && mkdir -p test-work  # scratch files of earlier runs
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$JOBS" --timeout 1800
