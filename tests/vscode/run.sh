#!/usr/bin/env bash
# The VS Code end-to-end test: the Kerasense VSIX in a real VS Code (code-server), driven in
# headless Chromium by tests/vscode/e2e.mjs.
#
# It installs what it needs on first use (Debian packages, code-server, playwright-core) and
# keeps it under .cache/, so a second run goes straight to the test.
#
#   tests/vscode/run.sh                 install what is missing, build the VSIX, run the test
#   tests/vscode/run.sh --install-only  install what is missing, and stop there
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/vscode
CACHE=${KERASENSE_CACHE:-$ROOT/.cache}
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR=$CACHE/code-server
CODE_SERVER=$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js
DEBIAN_PACKAGES=(
    chromium ripgrep fonts-dejavu-core
    # code-server's native modules build from source and need these
    g++ make pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
)

log() { printf '[vscode-e2e] %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
    local missing=() name
    for name in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'ok installed' ||
            missing+=("$name")
    done
    [ ${#missing[@]} -eq 0 ] && return
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# @vscode/ripgrep's postinstall downloads rg from a host this network cannot reach. It first
# looks in $TMPDIR/vscode-ripgrep-cache-<its version>/, so that cache gets Debian's rg.
seed_ripgrep_cache() {
    local tmp=$1 arch
    case "$(uname -m)" in
        x86_64) arch=x86_64-unknown-linux-musl ;;
        aarch64) arch=aarch64-unknown-linux-musl ;;
        *) log "no ripgrep mapping for $(uname -m)"; return 1 ;;
    esac
    mkdir -p "$tmp/vscode-ripgrep-cache-1.15.11"
    tar -czf "$tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-$arch.tar.gz" \
        -C /usr/bin rg
}

install_code_server() {
    local stamp=$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION
    [ -f "$stamp" ] && [ -f "$CODE_SERVER" ] && return
    log "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (a few minutes)"
    rm -rf "$CODE_SERVER_DIR"
    mkdir -p "$CODE_SERVER_DIR/tmp"
    seed_ripgrep_cache "$CODE_SERVER_DIR/tmp"
    echo '{"private": true}' >"$CODE_SERVER_DIR/package.json"
    (
        cd "$CODE_SERVER_DIR"
        TMPDIR=$CODE_SERVER_DIR/tmp npm_config_unsafe_perm=true npm_config_yes=true \
            npm install --no-audit --no-fund --loglevel=error \
            "code-server@$CODE_SERVER_VERSION" >install.log 2>&1 ||
            { tail -40 install.log >&2; exit 1; }
    )
    rm -rf "$CODE_SERVER_DIR/tmp"
    touch "$stamp"
}

install_playwright() {
    local stamp=$HERE/node_modules/.installed
    [ -f "$stamp" ] && [ "$stamp" -nt "$HERE/package-lock.json" ] && return
    log "installing playwright-core (no browser download: Debian's chromium is used)"
    (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
}

started=$(date +%s)
install_debian_packages
install_code_server
install_playwright
log "installs done in $(($(date +%s) - started)) s"
[ "${1:-}" = --install-only ] && exit 0

make -C "$ROOT" --no-print-directory vsix
version=$(node -p "require('$ROOT/client-vscode/package.json').version")

started=$(date +%s)
status=0
tap=$(mktemp)
node --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$HERE/e2e.mjs" \
    --vsix "$ROOT/client-vscode/kerasense-$version.vsix" \
    --code-server "$CODE_SERVER" \
    --artifacts "$ROOT/tests/artifacts" || status=$?
log "end-to-end test done in $(($(date +%s) - started)) s"
count() { sed -n "s/^# $1 //p" "$tap" | grep . || echo 0; }
echo "vscode: $(count pass) passed, $(count fail) failed, $(count todo) skipped"
rm -f "$tap"
exit $status
