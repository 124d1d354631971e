#!/usr/bin/env bash
# Starts Switchboard on embedded defaults (127.0.0.1:8080, data in ./data, in-process bus),
# installing the system packages it needs when they are missing. Extra arguments go to
# `switchboard serve`, e.g. scripts/run.sh --port 9000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-packages.sh
ensure_packages $(packages_from scripts/packages-run.txt)
swift build -c release --product switchboard
exec .build/release/switchboard serve "$@"
