// A small reusable client for the Mailgate gRPC gateway.
//
//   import { createClients, decodeError } from './lib/mailgate.js';
//   const mg = createClients({ address: '127.0.0.1:8080', tenantId: 'acme', apiKey: 'mgk_...' });
//   const user = await mg.users.createUser({ user_id: 'u-42', email: 'u42@example.com' });
//   mg.close();
//
// The .proto files are loaded at runtime from the repository's proto module; nothing is
// generated or copied. Field names keep their proto spelling (user_id, next_page_token),
// enums are strings ('PROVIDER_GMAIL'), int64 values are strings.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { getProtoPath } from 'google-proto-files';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where mailgate/v1/*.proto live: <repo>/proto/src/main/proto (clients/node/../../proto/...). */
export const DEFAULT_PROTO_DIR = path.resolve(here, '..', '..', '..', 'proto', 'src', 'main', 'proto');

const PROTO_FILES = [
  'mailgate/v1/user_service.proto',
  'mailgate/v1/connection_service.proto',
  'mailgate/v1/mail_service.proto',
  'mailgate/v1/report_service.proto',
  'mailgate/v1/webhook_service.proto',
  'mailgate/v1/agent_access_service.proto',
  'mailgate/v1/audit_service.proto',
  'mailgate/v1/error_reason.proto',
];

/** proto-loader options: keep the proto field names, enums as names, defaults filled in. */
export const LOADER_OPTIONS = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

const packageCache = new Map();

/** Loads the mailgate.v1 package (cached per directory) and returns its grpc object. */
export function loadMailgateProtos(protoDir = DEFAULT_PROTO_DIR) {
  let pkg = packageCache.get(protoDir);
  if (!pkg) {
    // google/api/annotations.proto (the HTTP rules) comes from google-proto-files.
    const definition = protoLoader.loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [protoDir, getProtoPath('..')] });
    pkg = grpc.loadPackageDefinition(definition).mailgate.v1;
    packageCache.set(protoDir, pkg);
  }
  return pkg;
}

/**
 * A client interceptor that adds the tenant, the API key and (optionally) a request id to every
 * call. Metadata the caller already set on a call wins, so a single call can override it.
 * (CallCredentials would be the other route, but grpc-js only sends them over TLS.)
 */
export function mailgateInterceptor({ tenantId, apiKey, requestId } = {}) {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (tenantId && metadata.get('x-tenant-id').length === 0) metadata.set('x-tenant-id', tenantId);
        if (apiKey && metadata.get('authorization').length === 0) metadata.set('authorization', `Bearer ${apiKey}`);
        if (requestId && metadata.get('x-request-id').length === 0) {
          metadata.set('x-request-id', typeof requestId === 'function' ? requestId() : requestId);
        }
        next(metadata, listener);
      },
    });
}

/**
 * Creates the five Mailgate service clients on one shared channel.
 *
 * Returns { users, connections, mail, reports, webhooks, raw, channel, close } where users/
 * connections/mail/reports/webhooks have one promise-returning method per RPC, named in lowerCamelCase
 * (users.createUser(request, options)). Server-streaming RPCs (mail.watchMailbox) return the
 * grpc-js stream. `raw` holds the plain grpc-js clients.
 *
 * Per-call options: { metadata (object or grpc.Metadata), requestId, deadline (Date or ms
 * timestamp), timeoutMs, onHeaders(metadata) } — onHeaders receives the response headers, where
 * the gateway echoes x-request-id.
 */
export function createClients({
  address,
  tenantId,
  apiKey,
  credentials = grpc.credentials.createInsecure(),
  channelOptions = {},
  protoDir = DEFAULT_PROTO_DIR,
  defaultTimeoutMs = 30_000,
} = {}) {
  if (!address) throw new Error('createClients: address is required (host:port)');
  const v1 = loadMailgateProtos(protoDir);
  const channel = new grpc.Channel(address, credentials, channelOptions);
  const clientOptions = { channelOverride: channel, interceptors: [mailgateInterceptor({ tenantId, apiKey })] };

  const raw = {
    users: new v1.UserService(address, credentials, clientOptions),
    connections: new v1.ConnectionService(address, credentials, clientOptions),
    mail: new v1.MailService(address, credentials, clientOptions),
    reports: new v1.ReportService(address, credentials, clientOptions),
    webhooks: new v1.WebhookService(address, credentials, clientOptions),
    agents: new v1.AgentAccessService(address, credentials, clientOptions),
    audit: new v1.AuditService(address, credentials, clientOptions),
  };

  return {
    users: promisifyClient(raw.users, defaultTimeoutMs),
    connections: promisifyClient(raw.connections, defaultTimeoutMs),
    mail: promisifyClient(raw.mail, defaultTimeoutMs),
    reports: promisifyClient(raw.reports, defaultTimeoutMs),
    webhooks: promisifyClient(raw.webhooks, defaultTimeoutMs),
    agents: promisifyClient(raw.agents, defaultTimeoutMs),
    audit: promisifyClient(raw.audit, defaultTimeoutMs),
    raw,
    channel,
    close() {
      for (const client of Object.values(raw)) client.close();
      channel.close();
    },
  };
}

function lowerCamel(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function toMetadata(value) {
  if (value instanceof grpc.Metadata) return value.clone();
  const metadata = new grpc.Metadata();
  for (const [key, v] of Object.entries(value ?? {})) metadata.set(key, v);
  return metadata;
}

function callOptions({ deadline, timeoutMs }, defaultTimeoutMs) {
  if (deadline) return { deadline };
  const ms = timeoutMs ?? defaultTimeoutMs;
  return ms ? { deadline: Date.now() + ms } : {};
}

/** Wraps every unary method of a grpc-js client in a function returning a promise. */
export function promisifyClient(client, defaultTimeoutMs = 30_000) {
  const wrapped = {};
  for (const [name, method] of Object.entries(client.constructor.service)) {
    const fn = client[name].bind(client);
    if (method.requestStream) continue; // Mailgate has no client-streaming RPCs.
    if (method.responseStream) {
      wrapped[lowerCamel(name)] = (request, opts = {}) => {
        const metadata = toMetadata(opts.metadata);
        if (opts.requestId) metadata.set('x-request-id', opts.requestId);
        const call = fn(request, metadata, opts.deadline ? { deadline: opts.deadline } : {});
        if (opts.onHeaders) call.on('metadata', opts.onHeaders);
        return call;
      };
      continue;
    }
    wrapped[lowerCamel(name)] = (request = {}, opts = {}) =>
      new Promise((resolve, reject) => {
        const metadata = toMetadata(opts.metadata);
        if (opts.requestId) metadata.set('x-request-id', opts.requestId);
        const call = fn(request, metadata, callOptions(opts, defaultTimeoutMs), (err, response) =>
          err ? reject(err) : resolve(response),
        );
        if (opts.onHeaders) call.on('metadata', opts.onHeaders);
      });
  }
  return wrapped;
}

// ---------------------------------------------------------------------------------------------
// Error details (AIP-193): grpc-status-details-bin holds a google.rpc.Status whose details are
// google.protobuf.Any messages: ErrorInfo, BadRequest, RetryInfo, ...

let rpcRoot;

/** The protobufjs Root holding google.rpc.Status and google/rpc/error_details.proto. */
export function googleRpcRoot() {
  if (!rpcRoot) {
    const includeDir = getProtoPath('..'); // the package root, which holds google/...
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(includeDir, target));
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    root.resolveAll();
    rpcRoot = root;
  }
  return rpcRoot;
}

const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));

function durationToMs(duration) {
  if (!duration) return null;
  return Number(duration.seconds ?? 0) * 1000 + Math.round(Number(duration.nanos ?? 0) / 1e6);
}

/**
 * Decodes a grpc-js error into
 *   { code, codeName, message, reason, domain, metadata, fieldViolations, retryDelay, details }
 * reason/domain/metadata come from google.rpc.ErrorInfo, fieldViolations ([{field, description}])
 * from google.rpc.BadRequest, retryDelay (milliseconds) from google.rpc.RetryInfo; each is null
 * (or []) when the server sent no such detail. details lists every decoded detail message.
 */
export function decodeError(err) {
  const result = {
    code: err?.code ?? grpc.status.UNKNOWN,
    codeName: CODE_NAMES[err?.code] ?? 'UNKNOWN',
    message: err?.details ?? err?.message ?? '',
    reason: null,
    domain: null,
    metadata: {},
    fieldViolations: [],
    retryDelay: null,
    statusCode: null,
    details: [],
  };
  const bin = err?.metadata instanceof grpc.Metadata ? err.metadata.get('grpc-status-details-bin')[0] : undefined;
  if (!bin) return result;

  const root = googleRpcRoot();
  const Status = root.lookupType('google.rpc.Status');
  const status = Status.decode(Buffer.isBuffer(bin) ? bin : Buffer.from(bin));
  result.statusCode = status.code;
  if (status.message) result.message = status.message;
  for (const any of status.details ?? []) {
    const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
    let type;
    try {
      type = root.lookupType(typeName);
    } catch {
      result.details.push({ '@type': typeName, undecoded: Buffer.from(any.value) });
      continue;
    }
    const detail = type.toObject(type.decode(any.value), { longs: String, enums: String, defaults: true });
    result.details.push({ '@type': typeName, ...detail });
    switch (typeName) {
      case 'google.rpc.ErrorInfo':
        result.reason = detail.reason;
        result.domain = detail.domain;
        result.metadata = detail.metadata ?? {};
        break;
      case 'google.rpc.BadRequest':
        for (const v of detail.field_violations ?? []) {
          result.fieldViolations.push({ field: v.field, description: v.description });
        }
        break;
      case 'google.rpc.RetryInfo':
        result.retryDelay = durationToMs(detail.retry_delay);
        break;
      default:
        break;
    }
  }
  return result;
}

export { grpc };
