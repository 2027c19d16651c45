// Integration tests of the Mailgate gateway through the Node.js client (@grpc/grpc-js).
//
// Starts `java -jar <jar> dev --port 0 --data-dir <tmp>` once, then checks the API contract of
// /work/shared/DESIGN.md from a Node backend's point of view: metadata auth, tenant isolation,
// AIP-193 error details, paging, connection ownership, health and reflection.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { service as healthService } from 'grpc-health-check';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { createClients, decodeError, grpc } from '../lib/mailgate.js';
import { startDevGateway } from '../lib/dev-gateway.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };
const GLOBEX = { tenantId: 'globex', apiKey: 'mgk_dev_globex_b83e06d2c7a4' };
const RUN = randomBytes(4).toString('hex'); // keeps ids unique across runs and tests

/** Awaits a call that must fail and returns its decoded error. */
async function failure(promise) {
  let response;
  try {
    response = await promise;
  } catch (err) {
    assert.ok(err.code !== undefined, `not a gRPC error: ${err}`);
    return decodeError(err);
  }
  assert.fail(`expected the call to fail, but it returned ${JSON.stringify(response)}`);
}

/** Asserts gRPC status name + ErrorInfo{domain: "mailgate", reason}. */
function assertError(e, codeName, reason) {
  assert.deepEqual(
    { code: e.codeName, domain: e.domain, reason: e.reason },
    { code: codeName, domain: 'mailgate', reason },
    `got ${e.codeName} "${e.message}" with details ${JSON.stringify(e.details)}`,
  );
}

/** A random id with the same shape (prefix, length, character classes) as a real one. */
function lookalikeId(real) {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(real)) return randomUUID();
  const cut = Math.max(real.lastIndexOf('_'), 0);
  const pick = (chars) => chars[Math.floor(Math.random() * chars.length)];
  for (;;) {
    const tail = [...real.slice(cut)].map((ch) => {
      if (/[0-9]/.test(ch)) return pick('0123456789');
      if (/[a-f]/.test(ch)) return pick('abcdef');
      if (/[a-z]/.test(ch)) return pick('abcdefghijklmnopqrstuvwxyz');
      if (/[A-F]/.test(ch)) return pick('ABCDEF');
      if (/[A-Z]/.test(ch)) return pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      return ch;
    });
    const candidate = real.slice(0, cut) + tail.join('');
    if (candidate !== real) return candidate;
  }
}

describe('Mailgate gateway (dev mode) via the Node.js client', { timeout: 300_000 }, () => {
  let gateway;
  let acme;
  let globex;
  const extraClients = [];
  /** Clients with a custom tenant/key; closed after the suite. */
  const clientsFor = (opts) => {
    const c = createClients({ address: gateway.address, ...opts });
    extraClients.push(c);
    return c;
  };

  before(
    async () => {
      gateway = await startDevGateway({ timeoutMs: 90_000 });
      acme = createClients({ address: gateway.address, ...ACME });
      globex = createClients({ address: gateway.address, ...GLOBEX });
    },
    { timeout: 120_000 },
  );

  after(async () => {
    for (const c of [acme, globex, ...extraClients]) c?.close();
    if (gateway) {
      const started = Date.now();
      const { code, signal } = await gateway.stop();
      const ms = Date.now() - started;
      // Dev mode must stop promptly and by itself on SIGTERM (as on Ctrl-C), never by SIGKILL.
      assert.ok(signal !== 'SIGKILL' && ms <= 10_000,
        `gateway took ${ms} ms to stop after SIGTERM (code ${code}, signal ${signal})`);
    }
  });

  describe('authentication metadata', () => {
    test('a call without x-tenant-id is UNAUTHENTICATED with reason TENANT_MISSING', async () => {
      const noTenant = clientsFor({ apiKey: ACME.apiKey });
      assertError(await failure(noTenant.users.getUser({ user_id: 'alice' })), 'UNAUTHENTICATED', 'TENANT_MISSING');
    });

    test('a call without authorization is UNAUTHENTICATED with reason API_KEY_MISSING', async () => {
      const noKey = clientsFor({ tenantId: 'acme' });
      assertError(await failure(noKey.users.getUser({ user_id: 'alice' })), 'UNAUTHENTICATED', 'API_KEY_MISSING');
    });

    test('a malformed authorization (not "Bearer <key>") is UNAUTHENTICATED with reason API_KEY_MISSING', async () => {
      const noKey = clientsFor({ tenantId: 'acme' });
      for (const authorization of ['Basic YWNtZTpzZWNyZXQ=', ACME.apiKey]) {
        const e = await failure(noKey.users.getUser({ user_id: 'alice' }, { metadata: { authorization } }));
        assertError(e, 'UNAUTHENTICATED', 'API_KEY_MISSING');
      }
    });

    test('unknown tenant, wrong key and acme key for globex get the identical API_KEY_INVALID answer', async () => {
      const unknownTenant = await failure(
        clientsFor({ tenantId: `no-such-tenant-${RUN}`, apiKey: ACME.apiKey }).users.getUser({ user_id: 'alice' }),
      );
      const wrongKey = await failure(
        clientsFor({ tenantId: 'acme', apiKey: 'mgk_dev_acme_000000000000' }).users.getUser({ user_id: 'alice' }),
      );
      const crossTenant = await failure(
        clientsFor({ tenantId: 'globex', apiKey: ACME.apiKey }).users.getUser({ user_id: 'alice' }),
      );
      for (const e of [unknownTenant, wrongKey, crossTenant]) assertError(e, 'UNAUTHENTICATED', 'API_KEY_INVALID');
      assert.equal(wrongKey.message, unknownTenant.message, 'wrong key and unknown tenant must read the same');
      assert.equal(crossTenant.message, unknownTenant.message, 'cross-tenant key and unknown tenant must read the same');
    });

    test("a tenant's API key never opens another tenant (acme key on globex, globex key on acme)", async () => {
      const acmeKeyOnGlobex = clientsFor({ tenantId: 'globex', apiKey: ACME.apiKey });
      const globexKeyOnAcme = clientsFor({ tenantId: 'acme', apiKey: GLOBEX.apiKey });
      assertError(await failure(acmeKeyOnGlobex.users.listUsers({})), 'UNAUTHENTICATED', 'API_KEY_INVALID');
      assertError(await failure(globexKeyOnAcme.users.getUser({ user_id: 'alice' })), 'UNAUTHENTICATED', 'API_KEY_INVALID');
    });

    test('x-request-id sent by the caller is echoed in the response headers', async () => {
      const requestId = `req-${RUN}-${randomUUID()}`;
      let headers;
      const user = await acme.users.getUser({ user_id: 'alice' }, { requestId, onHeaders: (h) => (headers = h) });
      assert.equal(user.user_id, 'alice');
      assert.ok(headers, 'no response headers received');
      assert.deepEqual(headers.get('x-request-id'), [requestId]);
    });
  });

  describe('users and tenant isolation', () => {
    test('a user created in acme does not exist in globex (GetUser gives USER_NOT_FOUND)', async () => {
      const userId = `iso-${RUN}`;
      const created = await acme.users.createUser({ user_id: userId, email: `${userId}@acme.example` });
      assert.equal(created.user_id, userId);
      assert.equal(created.email, `${userId}@acme.example`);
      assert.equal((await acme.users.getUser({ user_id: userId })).user_id, userId);

      assertError(await failure(globex.users.getUser({ user_id: userId })), 'NOT_FOUND', 'USER_NOT_FOUND');
      // The seeded acme users are invisible to globex too.
      assertError(await failure(globex.users.getUser({ user_id: 'alice' })), 'NOT_FOUND', 'USER_NOT_FOUND');
    });

    test('the same user_id can exist independently in two tenants', async () => {
      const userId = `twin-${RUN}`;
      await acme.users.createUser({ user_id: userId, email: 'a@acme.example' });
      await globex.users.createUser({ user_id: userId, email: 'g@globex.example' });
      assert.equal((await acme.users.getUser({ user_id: userId })).email, 'a@acme.example');
      assert.equal((await globex.users.getUser({ user_id: userId })).email, 'g@globex.example');
    });

    test('errors carry google.rpc.Status with ErrorInfo{domain "mailgate", reason} (USER_NOT_FOUND)', async () => {
      const e = await failure(acme.users.getUser({ user_id: `missing-${RUN}` }));
      assertError(e, 'NOT_FOUND', 'USER_NOT_FOUND');
      assert.equal(e.statusCode, grpc.status.NOT_FOUND, 'google.rpc.Status.code must match the gRPC status');
      const infos = e.details.filter((d) => d['@type'] === 'google.rpc.ErrorInfo');
      assert.equal(infos.length, 1, 'exactly one ErrorInfo');
    });

    test('CreateUser with an empty user_id is INVALID_ARGUMENT with a BadRequest violation on "user_id"', async () => {
      const e = await failure(acme.users.createUser({ user_id: '', email: 'nobody@example.com' }));
      assertError(e, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
      assert.ok(
        e.fieldViolations.some((v) => v.field === 'user_id'),
        `expected a field violation on user_id, got ${JSON.stringify(e.fieldViolations)}`,
      );
    });

    test('creating an existing user_id again is ALREADY_EXISTS with reason USER_EXISTS', async () => {
      const userId = `dup-${RUN}`;
      await acme.users.createUser({ user_id: userId, email: '' });
      assertError(await failure(acme.users.createUser({ user_id: userId, email: '' })), 'ALREADY_EXISTS', 'USER_EXISTS');
    });

    test('DeleteUser removes the user: GetUser then gives USER_NOT_FOUND', async () => {
      const userId = `del-${RUN}`;
      await acme.users.createUser({ user_id: userId, email: '' });
      await acme.users.deleteUser({ user_id: userId });
      assertError(await failure(acme.users.getUser({ user_id: userId })), 'NOT_FOUND', 'USER_NOT_FOUND');
    });

    test('ListUsers with page_size 2 returns every user exactly once, in user_id order, and the last page has no token', async () => {
      const prefix = `page-${RUN}-`;
      const expected = [0, 1, 2, 3, 4].map((i) => `${prefix}${i}`);
      for (const userId of [...expected].reverse()) await acme.users.createUser({ user_id: userId, email: '' });

      const seen = [];
      let token = '';
      let pages = 0;
      let last;
      do {
        last = await acme.users.listUsers({ page_size: 2, page_token: token });
        pages += 1;
        assert.ok(last.users.length <= 2, `page ${pages} has ${last.users.length} users (page_size 2)`);
        seen.push(...last.users.map((u) => u.user_id));
        token = last.next_page_token;
        assert.ok(pages < 10_000, 'paging does not terminate');
      } while (token);

      assert.equal(last.next_page_token, '');
      const ours = seen.filter((id) => id.startsWith(prefix));
      assert.deepEqual(ours, expected, 'each created user once, in order');
      assert.equal(new Set(seen).size, seen.length, 'no user is returned twice across pages');
      assert.ok(pages >= 3, `5 users at page_size 2 need at least 3 pages, got ${pages}`);
    });
  });

  describe("connection ownership (alice's seeded Gmail connection)", () => {
    let connection;

    before(async () => {
      const page = await acme.connections.listConnections({ user_id: 'alice' });
      assert.equal(page.connections.length, 1, `alice should have one seeded connection: ${JSON.stringify(page)}`);
      [connection] = page.connections;
    });

    test('alice sees her seeded connection: Gmail, alice@example.com, NEEDS_REAUTH', async () => {
      assert.equal(connection.user_id, 'alice');
      assert.equal(connection.provider, 'PROVIDER_GMAIL');
      assert.equal(connection.email_address, 'alice@example.com');
      assert.equal(connection.status, 'CONNECTION_STATUS_NEEDS_REAUTH');
      const fetched = await acme.connections.getConnection({ user_id: 'alice', connection_id: connection.connection_id });
      assert.equal(fetched.connection_id, connection.connection_id);
    });

    test("bob, globex and a nonexistent id all get NOT_FOUND CONNECTION_NOT_FOUND with the same message", async () => {
      const id = connection.connection_id;
      const asBob = await failure(acme.connections.getConnection({ user_id: 'bob', connection_id: id }));
      const fromGlobex = await failure(globex.connections.getConnection({ user_id: 'alice', connection_id: id }));
      const nonexistent = await failure(
        acme.connections.getConnection({ user_id: 'alice', connection_id: lookalikeId(id) }),
      );
      for (const e of [asBob, fromGlobex, nonexistent]) assertError(e, 'NOT_FOUND', 'CONNECTION_NOT_FOUND');
      assert.equal(asBob.message, nonexistent.message, "another user's connection must read like a missing one");
      assert.equal(fromGlobex.message, nonexistent.message, "another tenant's connection must read like a missing one");
    });

    test("DeleteConnection by bob (or by globex) is refused and alice's connection stays intact", async () => {
      const id = connection.connection_id;
      assertError(
        await failure(acme.connections.deleteConnection({ user_id: 'bob', connection_id: id })),
        'NOT_FOUND',
        'CONNECTION_NOT_FOUND',
      );
      assertError(
        await failure(globex.connections.deleteConnection({ user_id: 'alice', connection_id: id })),
        'NOT_FOUND',
        'CONNECTION_NOT_FOUND',
      );
      const page = await acme.connections.listConnections({ user_id: 'alice' });
      assert.deepEqual(
        page.connections.map((c) => c.connection_id),
        [id],
      );
      const still = await acme.connections.getConnection({ user_id: 'alice', connection_id: id });
      assert.equal(still.status, connection.status);
    });
  });

  test('WatchMailbox on a connection that is not the user\'s ends its stream with NOT_FOUND and reason CONNECTION_NOT_FOUND', async () => {
    const stream = acme.raw.mail.watchMailbox({ user_id: 'alice', connection_id: '00000000-0000-4000-8000-000000000000' });
    const error = await new Promise((resolve, reject) => {
      stream.on('data', () => reject(new Error('WatchMailbox sent an event')));
      stream.on('error', resolve);
      stream.on('end', () => reject(new Error('WatchMailbox ended without a status')));
    });
    const e = decodeError(error);
    assert.deepEqual({ code: e.codeName, domain: e.domain, reason: e.reason },
      { code: 'NOT_FOUND', domain: 'mailgate', reason: 'CONNECTION_NOT_FOUND' });
  });

  test('grpc.health.v1.Health/Check for service "" answers SERVING without tenant metadata', async () => {
    const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');
    const health = new HealthClient(gateway.address, grpc.credentials.createInsecure());
    try {
      const response = await new Promise((resolve, reject) =>
        health.Check({ service: '' }, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res))),
      );
      assert.equal(response.status, 'SERVING');
    } finally {
      health.close();
    }
  });

  for (const version of ['v1', 'v1alpha']) {
    test(`server reflection ${version} lists the five Mailgate services and grpc.health.v1.Health`, async () => {
      const channel = new grpc.Channel(gateway.address, grpc.credentials.createInsecure(), {});
      try {
        const reflection = new GrpcReflection(
          gateway.address,
          grpc.credentials.createInsecure(),
          { channelOverride: channel },
          version,
        );
        const services = await reflection.listServices('*', { deadline: Date.now() + 10_000 });
        for (const name of [
          'mailgate.v1.UserService',
          'mailgate.v1.ConnectionService',
          'mailgate.v1.MailService',
          'mailgate.v1.ReportService',
          'mailgate.v1.WebhookService',
          'grpc.health.v1.Health',
        ]) {
          assert.ok(services.includes(name), `${name} missing from ${JSON.stringify(services)}`);
        }
      } finally {
        channel.close();
      }
    });
  }

  test('example.js runs against the gateway and exits 0', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [path.join(here, '..', 'example.js')], {
      env: {
        ...process.env,
        MAILGATE_ADDRESS: gateway.address,
        MAILGATE_TENANT: ACME.tenantId,
        MAILGATE_API_KEY: ACME.apiKey,
        MAILGATE_EXAMPLE_USER: `example-${RUN}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, `example.js failed:\n${out}`);
    assert.match(out, new RegExp(`created user example-${RUN}`), out);
    assert.match(out, /expected error:/, out);
  });
});
