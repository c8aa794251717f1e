#!/usr/bin/env bash
# The main job: install what is missing, build, and check every derivation of
# the reference against numerical gradients. Extra arguments go to
# w2v-gradcheck (see --help), e.g. `scripts/gradcheck.sh --only f.neg --shapes 50`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake --preset release >/dev/null
cmake --build --preset release --target w2v-gradcheck
mkdir -p out
exec ./build/release/w2v-gradcheck --html out/report.html "$@"
