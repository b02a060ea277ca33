#!/usr/bin/env bash
# Builds kerasense-<version>.vsix: checks the TypeScript, gathers the server with its
# libraries into bundled/libs, bundles the extension with esbuild and packs it all with vsce.
# PYTHON names the Python whose pip gathers the libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./package.json').version")

npm run --silent check
bash scripts/bundle-libs.sh
npm run --silent bundle

# --no-dependencies: esbuild has put the client's dependencies into dist/extension.js.
# --allow-package-all-secrets and --allow-package-env-file skip vsce's secret scan, which
# takes six minutes over the 6,000 files of the libraries (PyPI's files as published, most
# of them jedi's typeshed stubs) and would look at only two files of ours.
npx vsce package --no-dependencies --allow-missing-repository \
    --allow-package-all-secrets --allow-package-env-file --out "kerasense-$version.vsix"
