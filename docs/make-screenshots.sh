#!/usr/bin/env bash
# Takes the README's screenshots under Xvfb with the built app, the demo
# dataset and the shipped demo model (the app's --screenshot option waits
# until everything asked for is computed, saves the window and quits).
#   docs/make-screenshots.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
APP="$BUILD/bin/scdfm-studio"
OUT=docs/screenshots
mkdir -p "$OUT"
[[ -x $APP ]] || { echo "build the app first ($APP is missing)" >&2; exit 1; }
export SCDFM_DATA_DIR=${SCDFM_DATA_DIR:-$BUILD/data}
# A scratch settings folder: no recent files or first-launch state of the user's own.
export XDG_CONFIG_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
shot() {
  local name=$1; shift
  echo "== $name: $*"
  xvfb-run -a -s "-screen 0 1920x1200x24" "$APP" --demo --cells "${SCDFM_SCREENSHOT_CELLS:-64}" "$@" \
    --screenshot "$OUT/$name.png"
}
# The held-out pair the tutorial uses (both singles seen in training, the pair never).
PAIR=${SCDFM_SCREENSHOT_PAIR:-G0121+G0908}
pair_args=()
[[ -n $PAIR ]] && pair_args=(--predict "$PAIR")
shot 01-prediction-umap "${pair_args[@]}" --tab distributions
shot 03-metrics-vs-baselines "${pair_args[@]}" --tab metrics
shot 04-attention "${pair_args[@]}" --tab attention
SCDFM_SCREENSHOT_CELLS=${SCDFM_SCREENSHOT_CELLS:-32} shot 07-combination-screen "${pair_args[@]}" --screen "${SCDFM_SCREENSHOT_SCREEN:-G0019,G0093,G0434,G0542,G0902}"
echo "screenshots in $OUT/"
