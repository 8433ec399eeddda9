#!/usr/bin/env bash
# Makes bench/.models/clip-vit-b32-random/ (random-weight CLIP ViT-B/32 vision tower, fp32 + int8)
# unless it is already there. Installs Debian's torch/onnx/numpy for /usr/bin/python3 when they are
# missing (needs root, as in CI). Idempotent: regenerates only when a file is missing or the
# generator script changed since the last run. Prints the model folder on stdout.
#
#   bench/models/ensure-clip-vit-random.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/bench/.models/clip-vit-b32-random"
source_dir="$(cd "$repo/.." && pwd)/shared/models/clip-vit-base-patch32"
# Debian's interpreter on purpose: the apt packages below install into it, not into pyenv's
python=/usr/bin/python3

generator="$here/make-clip-vit-random.py"
generator_sha="$(sha256sum "$generator" | cut -d' ' -f1)"
stamp="$out/.generator-sha256"

complete() {
  local f
  for f in onnx/vision_model.onnx onnx/vision_model_quantized.onnx config.json preprocessor_config.json \
    probe/layer_fp32.onnx probe/layer_int8.onnx; do
    [[ -s "$out/$f" ]] || return 1
  done
}

# a model made by an older generator would be benchmarked as if it were the current one
current() {
  complete && [[ "$(cat "$stamp" 2>/dev/null)" == "$generator_sha" ]]
}

if [[ "${1:-}" != "--force" ]] && current; then
  echo "$out"
  exit 0
fi

if [[ ! -f "$source_dir/config.json" || ! -f "$source_dir/preprocessor_config.json" ]]; then
  echo "ensure-clip-vit-random: $source_dir/{config,preprocessor_config}.json not found" >&2
  exit 1
fi

if ! "$python" -c 'import torch, onnx, numpy' >/dev/null 2>&1; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "ensure-clip-vit-random: needs python3-torch python3-onnx python3-numpy; run as root or: sudo apt-get install -y python3-torch python3-onnx python3-numpy" >&2
    exit 1
  fi
  echo "ensure-clip-vit-random: installing python3-torch python3-onnx python3-numpy (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # recommends would pull a GUI stack (Qt, GTK) that only slows CI down
  apt-get install -y -qq --no-install-recommends python3-torch python3-onnx python3-numpy >&2
fi

echo "ensure-clip-vit-random: generating $out (about 30 s)" >&2
"$python" "$generator" --out "$out" --source "$source_dir" >&2
complete || { echo "ensure-clip-vit-random: generation left $out incomplete" >&2; exit 1; }
echo "$generator_sha" >"$stamp"
echo "$out"
