#!/usr/bin/env bash
# Generates the Python stubs and runs the Python example's tests against a dev-mode gateway.
# Called by Maven (clients/python/pom.xml) in the integration-test phase; by hand after a build:
#   bash clients/python/run-tests.sh
# Needs Debian's python3-grpcio, python3-protobuf, protobuf-compiler, libprotobuf-dev and protobuf-compiler-grpc
# (.ci/run installs them); /usr/bin/python3 is the Python they belong to.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

python=/usr/bin/python3
missing=()
[[ -x $python ]] && $python -c 'import grpc, google.protobuf' 2>/dev/null || missing+=(python3-grpcio python3-protobuf)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
[[ -f /usr/include/google/protobuf/timestamp.proto ]] || missing+=(libprotobuf-dev)
[[ -x /usr/bin/grpc_python_plugin ]] || missing+=(protobuf-compiler-grpc)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "error: the Python client tests are required in CI; missing Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  echo "skipping the Python client tests; missing Debian packages: ${missing[*]}"
  exit 0
fi

$python generate_stubs.py
PYTHONPATH="$PWD/target/generated:$PWD" $python -m unittest discover -s tests -v
