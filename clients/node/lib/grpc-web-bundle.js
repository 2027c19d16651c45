// Builds the gRPC-Web test page (browser/page.js) into one script a browser loads, with no CDN:
//
//   1. protoc-gen-es (@bufbuild/protoc-gen-es), run by buf (@bufbuild/buf, which ships its
//      binary), generates JavaScript from proto/'s mailgate/v1/*.proto and google/rpc's
//      error_details.proto into a fresh temporary directory. The google/* files the protos import
//      (other than the well-known types, which buf and @bufbuild/protobuf carry) come from the
//      google-proto-files package.
//   2. esbuild bundles page.js with that generated code, @connectrpc/connect-web and
//      @bufbuild/protobuf into one browser script.
//
//   import { buildGrpcWebPage } from './lib/grpc-web-bundle.js';
//   const { html, script } = await buildGrpcWebPage();

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { getProtoPath } from 'google-proto-files';
import { DEFAULT_PROTO_DIR } from './mailgate.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const nodeDir = path.resolve(here, '..');
const pageDir = path.join(nodeDir, 'browser');
const BUF = path.join(nodeDir, 'node_modules', '.bin', 'buf');
const PROTOC_GEN_ES = path.join(nodeDir, 'node_modules', '.bin', 'protoc-gen-es');
const GOOGLE_PROTOS = path.resolve(getProtoPath(), '..'); // the directory that holds google/
const IMPORT = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;

/**
 * Copies `roots` (paths like mailgate/v1/x.proto) and every non-well-known file they import,
 * transitively, from the proto directory or google-proto-files into `dir`.
 */
function copyProtoTree(roots, dir) {
  const seen = new Set();
  const pending = [...roots];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file) || file.startsWith('google/protobuf/')) continue;
    seen.add(file);
    const source = [DEFAULT_PROTO_DIR, GOOGLE_PROTOS].map((base) => path.join(base, file)).find(existsSync);
    if (!source) throw new Error(`cannot find ${file} in ${DEFAULT_PROTO_DIR} or ${GOOGLE_PROTOS}`);
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(source, path.join(dir, file));
    for (const match of readFileSync(source, 'utf8').matchAll(IMPORT)) pending.push(match[1]);
  }
}

/** Resolves with { html, script }: the page and its bundled script (a string each). */
export async function buildGrpcWebPage() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'mailgate-grpc-web-'));
  try {
    const protos = path.join(work, 'proto');
    const generated = path.join(work, 'gen');
    const mailgate = readdirSync(path.join(DEFAULT_PROTO_DIR, 'mailgate', 'v1'))
      .filter((name) => name.endsWith('.proto'))
      .map((name) => `mailgate/v1/${name}`);
    copyProtoTree([...mailgate, 'google/rpc/error_details.proto'], protos);
    const template = {
      version: 'v2',
      plugins: [{ local: PROTOC_GEN_ES, out: generated, opt: ['target=js'], include_imports: true }],
    };
    await run(BUF, ['generate', protos, '--template', JSON.stringify(template)], { cwd: work });
    copyFileSync(path.join(pageDir, 'page.js'), path.join(generated, 'page.js'));
    const built = await esbuild.build({
      entryPoints: [path.join(generated, 'page.js')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: ['chrome120'],
      nodePaths: [path.join(nodeDir, 'node_modules')],
      logLevel: 'silent',
    });
    return {
      html: readFileSync(path.join(pageDir, 'index.html'), 'utf8'),
      script: built.outputFiles[0].text,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
