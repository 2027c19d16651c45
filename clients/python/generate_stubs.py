"""Generates the Python stubs of mailgate.v1 (and of the google/api, google/rpc protos it needs).

    /usr/bin/python3 generate_stubs.py [OUT_DIR] [GOOGLE_PROTOS_DIR]

OUT_DIR defaults to target/generated. GOOGLE_PROTOS_DIR (default proto/target/google-common-protos)
holds the google/api and google/rpc .proto files, unpacked by Maven from the
proto-google-common-protos jar (proto/pom.xml); Debian packages no Python build of them.

The compiler is Debian's protoc (protobuf-compiler) with Debian's grpc_python_plugin
(protobuf-compiler-grpc): the same protobuf release (3.21.12) as the python3-protobuf runtime and
the same gRPC release (1.51) as python3-grpcio. Debian's python3-grpc-tools (1.14) bundles protoc
3.5.1, which rejects proto3 `optional` fields ("Explicit 'optional' labels are disallowed in the
Proto3 syntax"; webhook_service.proto has one), so it cannot compile this contract.
"""

import pathlib
import re
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
PROTO_DIR = HERE.parent.parent / "proto" / "src" / "main" / "proto"
GOOGLE_PROTOS_DIR = HERE.parent.parent / "proto" / "target" / "google-common-protos"
PROTOC = "protoc"
GRPC_PLUGIN = "/usr/bin/grpc_python_plugin"
# Not imported by mailgate.v1, but the client decodes them from grpc-status-details-bin.
ERROR_PROTOS = ["google/rpc/status.proto", "google/rpc/error_details.proto"]
IMPORT = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', re.MULTILINE)


def imported_closure(roots, include_dirs):
    """Every .proto file the roots import, transitively, except google/protobuf (the runtime has those)."""
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name.startswith("google/protobuf/"):
            continue
        seen.add(name)
        path = next((d / name for d in include_dirs if (d / name).is_file()), None)
        if path is None:
            raise SystemExit(f"generate_stubs: {name} not found in {', '.join(map(str, include_dirs))}")
        todo.extend(IMPORT.findall(path.read_text(encoding="utf-8")))
    return sorted(seen)


def main():
    out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else HERE / "target" / "generated").resolve()
    google_dir = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else GOOGLE_PROTOS_DIR).resolve()
    include_dirs = [PROTO_DIR, google_dir]
    roots = sorted(str(p.relative_to(PROTO_DIR)) for p in (PROTO_DIR / "mailgate" / "v1").glob("*.proto"))
    files = imported_closure(roots + ERROR_PROTOS, include_dirs)
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    command = [
        PROTOC,
        *(f"-I{d}" for d in include_dirs),
        f"--plugin=protoc-gen-grpc_python={GRPC_PLUGIN}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *files,
    ]
    subprocess.run(command, check=True)
    print(f"generate_stubs: {len(files)} files ({len(roots)} mailgate.v1) into {out_dir}")


if __name__ == "__main__":
    main()
