#!/usr/bin/env bash
# Installs every Debian 12 package scDFM Studio needs to build, run and test.
# Idempotent and non-interactive; run as root or with sudo available.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # core
  libtorch-dev libgloo-dev libopenblas0-pthread libhdf5-dev hdf5-plugin-lzf liblzf1 libeigen3-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libhnswlib-dev
  # GUI
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libqt6svg6-dev qt6-svg-dev
  libqcustomplot-dev libqcustomplot2.1-qt6 libvtk9-dev libgl1-mesa-dri
  fonts-dejavu-core
  # tests, benchmarks and screenshots (Python is a reference only, never used by the product)
  libgtest-dev libgmock-dev xvfb xauth x11-apps imagemagick
  # fuzz harnesses: clang with libFuzzer and the sanitizer runtimes (tests/fuzz/)
  clang clang-14 libclang-rt-14-dev
  python3 python3-numpy python3-scipy python3-h5py python3-anndata python3-torch
  python3-sklearn umap-learn
  # packaging
  dpkg-dev file appstream desktop-file-utils shared-mime-info
)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "error: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
