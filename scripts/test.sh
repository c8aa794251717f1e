#!/usr/bin/env bash
# Install what is missing, build everything, run the whole ctest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
