#!/usr/bin/env bash
# Keeps the mailgate.v1 contract stable: `buf lint` with the rules in buf.yaml, then `buf breaking`
# against the contract as of the last release tag (v*), or the previous commit until there is one.
#
# Called by Maven (proto/pom.xml) in the test phase, after it has unpacked the google/api and
# google/rpc protos of proto-google-common-protos into target/google-common-protos (no network, no
# Buf Schema Registry). By hand, from the repository root: ./mvnw -o -q -pl proto test
# `buf breaking` against another ref: BUF_AGAINST=<git ref> bash proto/buf-check.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "error: node not found on PATH; buf lint and buf breaking are required in CI" >&2
    exit 1
  fi
  echo "node not found: skipping buf lint and buf breaking"
  exit 0
fi
if [[ ! -d target/google-common-protos/google/api ]]; then
  echo "error: target/google-common-protos is missing; run it through Maven: ./mvnw -o -q -pl proto test" >&2
  exit 1
fi

# The @bufbuild/buf npm package ships the buf binary (package.json pins its version).
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
buf=node_modules/.bin/buf

"$buf" lint
echo "buf lint: the mailgate.v1 contract follows buf.yaml's rules"

if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "buf breaking: skipped, not a git checkout (nothing to compare with)"
  exit 0
fi
# The ref to compare with: BUF_AGAINST, else the newest release tag reachable from HEAD, else HEAD~1.
ref="${BUF_AGAINST:-$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD 2>/dev/null || echo 'HEAD~1')}"
if ! git rev-parse --verify -q "${ref}^{commit}" >/dev/null \
    && [[ "$(git rev-parse --is-shallow-repository)" == "true" ]]; then
  # A shallow clone may lack the previous commit: fetch one more level of history.
  git fetch -q --deepen=1 2>/dev/null || true
fi
if ! commit="$(git rev-parse --verify -q "${ref}^{commit}")"; then
  echo "buf breaking: skipped, ${ref} is not in this clone's history (nothing to compare with)"
  exit 0
fi
# git ls-tree and git archive take paths relative to this directory (proto/).
if [[ -z "$(git ls-tree -d "$commit" src/main/proto)" ]]; then
  echo "buf breaking: skipped, ${ref} has no proto/src/main/proto"
  exit 0
fi

# The old contract goes into a workspace of the same shape (this buf.yaml, the same google protos),
# so imports resolve the same way on both sides and only mailgate.v1 files are compared.
against=target/buf-against
rm -rf "$against"
mkdir -p "$against/target"
git archive "$commit" src/main/proto | tar -x -C "$against"
cp buf.yaml "$against/"
cp -r target/google-common-protos "$against/target/"

"$buf" breaking --against "$against"
echo "buf breaking: no breaking change against ${ref} (${commit:0:12})"
