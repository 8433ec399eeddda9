#!/usr/bin/env bash
# Installs the Debian packages whose images the eval and "nothing similar" read at run time (never
# copied into the project): the eval's negatives (gnome-backgrounds, ukui-wallpapers, openclipart-png)
# and the background gallery (src/search/background.files.ts). Idempotent; needs root for apt-get,
# otherwise prints the command and goes on (the eval then runs with what is there).
set -euo pipefail
packages=(
  gnome-backgrounds ukui-wallpapers openclipart-png
  mate-backgrounds plasma-workspace-wallpapers lomiri-wallpapers lomiri-wallpapers-16.04
  lomiri-wallpapers-20.04 sway-backgrounds xfdesktop4-data tuxpaint-stamps-default
)
missing=()
for p in "${packages[@]}"; do
  [[ -f "/var/lib/dpkg/info/$p.list" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ "$(id -u)" != 0 ]]; then
  echo "ensure-debian-images: missing ${missing[*]}; run: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 0
fi
echo "ensure-debian-images: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
