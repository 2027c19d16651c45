#!/usr/bin/env bash
# The OpenAPI description of mailgate.v1's HTTP/JSON calls, generated from the proto: grpc-gateway's
# protoc-gen-swagger (Debian: golang-grpc-gateway) reads every google.api.http rule and comment, and
# src/openapi/mailgate_openapi.proto adds the title and the security schemes (tenant id and API key
# headers). The output is committed (src/main/openapi/mailgate/v1/mailgate.swagger.json): it travels
# in this module's jar and the gateway serves it at /openapi.json, so a machine with only a JDK
# builds and runs the gateway. This script regenerates it and fails when the committed copy differs
# from what the proto generates, like a lint.
#
# Called by Maven (proto/pom.xml) in the test phase, after target/google-common-protos is unpacked.
# By hand, from the repository root: ./mvnw -o -q -pl proto test
# After changing a proto: bash proto/openapi.sh --write   (then commit the updated description)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

committed=src/main/openapi/mailgate/v1/mailgate.swagger.json
# Debian's golang-github-grpc-ecosystem-grpc-gateway-dev: the protoc-gen-swagger options protos.
gateway_protos=/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway

missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
/usr/bin/python3 -c 'import google.protobuf.compiler.plugin_pb2' >/dev/null 2>&1 || missing+=(python3-protobuf)
[[ -f /usr/include/google/protobuf/descriptor.proto ]] || missing+=(libprotobuf-dev)
command -v protoc-gen-swagger >/dev/null 2>&1 || missing+=(golang-grpc-gateway)
[[ -f "$gateway_protos/protoc-gen-swagger/options/annotations.proto" ]] \
  || missing+=(golang-github-grpc-ecosystem-grpc-gateway-dev)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "error: the OpenAPI description cannot be checked without Debian's ${missing[*]}" >&2
    exit 1
  fi
  echo "OpenAPI: not checked, Debian's ${missing[*]} missing (apt-get install ${missing[*]})"
  exit 0
fi
if [[ ! -d target/google-common-protos/google/api ]]; then
  echo "error: target/google-common-protos is missing; run it through Maven: ./mvnw -o -q -pl proto test" >&2
  exit 1
fi

out=target/openapi
rm -rf "$out"
mkdir -p "$out"
# The document's own options first: the merged description takes its info from the first file.
protos=(mailgate_openapi.proto)
while IFS= read -r file; do protos+=("${file#src/main/proto/}"); done \
  < <(find src/main/proto -name '*.proto' | LC_ALL=C sort)
protoc -I src/openapi -I src/main/proto -I target/google-common-protos -I "$gateway_protos" -I /usr/include \
  --include_imports --include_source_info --descriptor_set_out="$out/descriptors.pb" "${protos[@]}"
# protoc hands a file with proto3 `optional` fields only to plugins that declare they support them,
# and protoc-gen-swagger 1.6 predates them (webhook_service.proto has one). For a description, such
# a field is a field that may be absent, which is what the generator writes for every proto3 field;
# so the plugin's request is built here from protoc's descriptors, as protoc would build it. And
# its allow_merge mode keeps the comments of the first file's methods only, so the plugin runs once
# per file and the documents are merged here the way that mode merges them (paths, definitions,
# security schemes; title and introduction from the first file, mailgate_openapi.proto).
/usr/bin/python3 - "$out" "${protos[@]}" <<'PY'
import json, subprocess, sys
from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2

out, files = sys.argv[1], sys.argv[2:]
with open(out + "/descriptors.pb", "rb") as f:
    descriptors = descriptor_pb2.FileDescriptorSet.FromString(f.read())
merged = None
for name in files:
    request = plugin_pb2.CodeGeneratorRequest(file_to_generate=[name], proto_file=descriptors.file,
                                              parameter="json_names_for_fields=true")
    plugin = subprocess.run(["protoc-gen-swagger"], input=request.SerializeToString(), capture_output=True, check=True)
    response = plugin_pb2.CodeGeneratorResponse.FromString(plugin.stdout)
    if response.error:
        sys.exit("protoc-gen-swagger: " + name + ": " + response.error)
    (generated,) = response.file
    document = json.loads(generated.content)
    if merged is None:
        merged = document
        continue
    for part in ("paths", "definitions", "securityDefinitions"):
        merged.setdefault(part, {}).update(document.get(part, {}))
    merged["security"] = merged.get("security", []) + document.get("security", [])
for part in ("paths", "definitions"):
    merged[part] = dict(sorted(merged[part].items()))
with open(out + "/mailgate.swagger.json", "w") as f:
    f.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
PY
generated="$out/mailgate.swagger.json"

if [[ "${1:-}" == "--write" ]]; then
  cp "$generated" "$committed"
  echo "OpenAPI: wrote $committed"
  exit 0
fi
if ! cmp -s "$generated" "$committed"; then
  diff -u "$committed" "$generated" | head -40 >&2 || true
  echo "error: $committed is not what the proto generates; run bash proto/openapi.sh --write and commit it" >&2
  exit 1
fi
echo "OpenAPI: $committed is what the proto generates"
