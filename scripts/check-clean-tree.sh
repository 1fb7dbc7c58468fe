#!/usr/bin/env bash
# Fails when the work tree differs from git (issue 13.7): the README's set-up must leave a
# clean tree, so a new contributor starts from exactly what git has. Run from .ci/run.
set -euo pipefail
dirty="$(git status --porcelain)"
if [ -n "$dirty" ]; then
  echo "set-up left the tree dirty (git status --porcelain):" >&2
  echo "$dirty" >&2
  exit 1
fi
