#!/usr/bin/env bash
# Installs everything w2v-gradcheck needs to build, test and report on Debian 12.
# Idempotent: packages already present are skipped, so repeated runs are cheap.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libarmadillo-dev libopenblas-dev
  libboost-test-dev
  libfmt-dev nlohmann-json3-dev libcli11-dev
  python3 python3-numpy python3-jsonschema
  chromium
)
# `setup-debian.sh --bench` adds the benchmark's PyTorch peer (bench/README.md;
# ~500 MB, so not part of the default set-up).
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-torch)
elif [[ $# -gt 0 ]]; then
  echo "setup: unknown argument '$1' (the only option is --bench)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
