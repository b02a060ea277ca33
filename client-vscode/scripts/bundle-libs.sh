#!/usr/bin/env bash
# Puts the Kerasense server and its dependencies into bundled/libs, so that the extension runs
# the server on any Python >= 3.10 with nothing installed: pure-Python wheels only, chosen for
# the oldest Python the server supports. PYTHON names the Python whose pip does the work.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PYTHON=${PYTHON:-python3}
LIBS=$HERE/bundled/libs
WHEELS=$(mktemp -d)
trap 'rm -rf "$WHEELS"' EXIT

# Wheels that run on every Python from 3.10 on, whatever the platform.
PURE=(--only-binary=:all: --implementation py --abi none --platform any --python-version 3.10)

rm -rf "$LIBS"
mkdir -p "$LIBS"

"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WHEELS" "$ROOT"
wheel=$(echo "$WHEELS"/kerasense-*.whl)
server_version=$(basename "$wheel" | cut -d- -f2)
client_version=$(node -p "require('$HERE/package.json').version")
if [ "$server_version" != "$client_version" ]; then
    echo "bundle-libs: the server is $server_version (pyproject.toml) but the extension is" \
        "$client_version (client-vscode/package.json); make them equal." >&2
    exit 1
fi

"$PYTHON" -m pip install --quiet --target "$LIBS" "${PURE[@]}" "$wheel"

# pip judges environment markers by the Python it runs on, so dependencies that only older
# Pythons need (tomli, exceptiongroup, ...) come in further passes, one level at a time.
for _ in 1 2 3 4 5; do
    mapfile -t missing < <("$PYTHON" "$HERE/scripts/missing_requirements.py" "$LIBS")
    [ ${#missing[@]} -eq 0 ] && break
    "$PYTHON" -m pip install --quiet --target "$LIBS" "${PURE[@]}" --no-deps "${missing[@]}"
done
if [ ${#missing[@]} -ne 0 ]; then
    echo "bundle-libs: still missing after 5 passes: ${missing[*]}" >&2
    exit 1
fi

rm -rf "$LIBS/bin"
find "$LIBS" -name __pycache__ -type d -prune -exec rm -rf {} +
compiled=$(find "$LIBS" -name '*.so' -o -name '*.pyd' -o -name '*.dylib')
if [ -n "$compiled" ]; then
    echo "bundle-libs: compiled files would tie the VSIX to one platform:" >&2
    echo "$compiled" >&2
    exit 1
fi
test -f "$LIBS/kerasense/__main__.py"

echo "bundle-libs: $(find "$LIBS" -maxdepth 1 -name '*.dist-info' | sed 's|.*/||; s|\.dist-info||' |
    sort | tr '\n' ' ')"
