#!/usr/bin/env bash
# ensure_packages PKG...: installs the Debian packages that are missing, with one `apt-get update`
# first, and nothing at all when every package is already installed. Sourced by run.sh and test.sh.

ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "switchboard: need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    echo "switchboard: installing ${missing[*]}" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# packages_from FILE: the package names listed in FILE, one per line, '#' comments allowed.
packages_from() {
    sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1"
}
