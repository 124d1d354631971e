#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need, checks formatting, builds everything
# with warnings as errors (set in Package.swift for our targets), and runs every test target.
# Servers the tests need are started by the tests themselves, on loopback and free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-packages.sh
ensure_packages $(packages_from scripts/packages-run.txt) $(packages_from scripts/packages-test.txt)

swift format lint --strict --recursive Package.swift Sources Tests
swift build --build-tests
swift test --skip-build
