// Webhooks in dev mode through the Node.js client: a receiver on loopback verifies every delivery
// with the `standardwebhooks` library (an implementation of the Standard Webhooks specification
// nobody here wrote). Mail alice sends herself arrives as MESSAGE_ADDED deliveries; the gateway
// retries on a short schedule (a dev-mode option) so that the recovery test stays quick.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createClients, decodeError } from '../lib/mailgate.js';
import { connectSandboxGmail, mailSelf, startDevGateway } from '../lib/dev-gateway.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };

/**
 * An HTTP receiver on 127.0.0.1: records each request's raw body and headers, answers with
 * `answer(request)` (200 unless the test says otherwise).
 */
async function startReceiver() {
  const requests = [];
  const receiver = {
    requests,
    answer: () => 200,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300),
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      request.status = receiver.answer(request);
      requests.push(request);
      res.writeHead(request.status).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${server.address().port}/mailgate/events`;
  receiver.close = () => new Promise((resolve) => server.close(resolve));
  return receiver;
}

async function until(condition, what, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The headers the library reads, as a plain object. */
function webhookHeaders(request) {
  return {
    'webhook-id': request.headers['webhook-id'],
    'webhook-timestamp': request.headers['webhook-timestamp'],
    'webhook-signature': request.headers['webhook-signature'],
  };
}

describe('webhooks in dev mode via the Node.js client', { timeout: 300_000 }, () => {
  let gateway;
  let acme;
  let connection;

  before(async () => {
    gateway = await startDevGateway({
      timeoutMs: 110_000,
      extraArgs: ['--poll-interval', 'PT0.5S', '--webhook-poll-interval', 'PT0.2S',
        '--webhook-retry-schedule', 'PT1S,PT1S,PT1S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S'],
    });
    acme = createClients({ address: gateway.address, ...ACME });
    connection = await connectSandboxGmail(acme, 'alice', 'alice@example.com');
    await watcherIsLive();
  }, { timeout: 150_000 });

  /**
   * Waits until alice's new connection is watched: mail that arrives before the watcher took the
   * mailbox's starting point produces no event, so a warm-up message is sent until one appears.
   */
  async function watcherIsLive() {
    let { next_cursor: cursor } = await acme.mail.listMailboxEvents({ user_id: 'alice', connection_id: '-' });
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      await mailAlice(`warm-up ${randomUUID().slice(0, 8)}`);
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const page = await acme.mail.listMailboxEvents({ user_id: 'alice', connection_id: '-', cursor });
        cursor = page.next_cursor;
        if (page.events.some((e) => e.message?.subject?.startsWith('warm-up'))) return;
      }
    }
    throw new Error("alice's connection was not watched within 60 s");
  }

  after(async () => {
    acme?.close();
    await gateway?.stop();
  });

  /** alice mails herself: the sandbox delivers the message into her inbox. */
  const mailAlice = (subject) => mailSelf(acme, 'alice', connection, subject);

  async function createEndpoint(url) {
    return acme.webhooks.createWebhookEndpoint({
      webhook_endpoint: { url, user_ids: ['alice'], enabled: true },
    });
  }

  /**
   * The events of accepted requests about a message whose subject ends with `tag`. (A message alice
   * sends herself may first be seen with SENT only, its INBOX label coming as LABELS_CHANGED.)
   */
  function taggedEvents(receiver, tag) {
    return receiver.accepted().map((r) => JSON.parse(r.body)).filter((e) => e.message?.subject?.endsWith(tag));
  }

  /** The subjects ending with `tag` seen in alice's inbox, in the order they were first seen there. */
  function inboxSubjects(receiver, tag) {
    const subjects = taggedEvents(receiver, tag).filter((e) => e.message.labelIds?.includes('INBOX'))
      .map((e) => e.message.subject);
    return [...new Set(subjects)];
  }

  test('every delivery verifies with standardwebhooks; a tampered body or an old timestamp does not', async () => {
    const receiver = await startReceiver();
    try {
      const created = await createEndpoint(receiver.url);
      assert.match(created.secret, /^whsec_/);
      const webhook = new Webhook(created.secret);
      const tag = randomUUID().slice(0, 8);
      await mailAlice(`signed ${tag}`);
      await until(() => taggedEvents(receiver, tag).length >= 1, 'the signed delivery');

      for (const request of receiver.requests) {
        const verified = webhook.verify(request.body, webhookHeaders(request));
        assert.equal(verified.event_id ?? verified.eventId, request.headers['webhook-id']);
        assert.equal(request.headers['content-type'], 'application/json');
        assert.ok(Buffer.byteLength(request.body) < 20_000);
      }
      const request = receiver.accepted().find((r) => JSON.parse(r.body).message?.subject?.endsWith(tag));
      const tampered = request.body.replace('signed', 'forged');
      assert.notEqual(tampered, request.body);
      assert.throws(() => webhook.verify(tampered, webhookHeaders(request)), /No matching signature/);
      const old = { ...webhookHeaders(request), 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 600) };
      assert.throws(() => webhook.verify(request.body, old), /too old/);
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`)
        .verify(request.body, webhookHeaders(request)), /No matching signature/);

      const listed = await acme.webhooks.getWebhookEndpoint({
        webhook_endpoint_id: created.webhook_endpoint.webhook_endpoint_id,
      });
      assert.ok(!JSON.stringify(listed).includes(created.secret.slice(6)), 'the secret is shown only once');
      await acme.webhooks.deleteWebhookEndpoint({ webhook_endpoint_id: created.webhook_endpoint.webhook_endpoint_id });
    } finally {
      await receiver.close();
    }
  });

  test('during a secret rotation each delivery verifies with the old and with the new secret', async () => {
    const receiver = await startReceiver();
    try {
      const created = await createEndpoint(receiver.url);
      const id = created.webhook_endpoint.webhook_endpoint_id;
      const rotated = await acme.webhooks.rotateWebhookEndpointSecret({ webhook_endpoint_id: id });
      assert.notEqual(rotated.secret, created.secret);
      assert.ok(rotated.webhook_endpoint.previous_secret_expire_time, 'the previous secret has an expiry');

      const tag = randomUUID().slice(0, 8);
      await mailAlice(`rotated ${tag}`);
      await until(() => taggedEvents(receiver, tag).length >= 1, 'the delivery after the rotation');
      const request = receiver.accepted().find((r) => JSON.parse(r.body).message?.subject?.endsWith(tag));
      assert.equal(request.headers['webhook-signature'].split(' ').length, 2);
      new Webhook(created.secret).verify(request.body, webhookHeaders(request));
      new Webhook(rotated.secret).verify(request.body, webhookHeaders(request));
      await acme.webhooks.deleteWebhookEndpoint({ webhook_endpoint_id: id });
    } finally {
      await receiver.close();
    }
  });

  test('an endpoint that answers 500 for a while, then recovers, receives every event in order', async () => {
    const receiver = await startReceiver();
    try {
      const failUntil = Date.now() + 6_000;
      receiver.answer = () => (Date.now() < failUntil ? 500 : 200);
      const created = await createEndpoint(receiver.url);
      const webhook = new Webhook(created.secret);
      const tag = randomUUID().slice(0, 8);
      const subjects = [];
      for (let i = 0; i < 4; i++) {
        subjects.push(`recover ${i} ${tag}`);
        await mailAlice(subjects[i]);
      }
      await until(() => inboxSubjects(receiver, tag).length >= 4, 'every message after the recovery', 90_000);

      assert.ok(receiver.requests.some((r) => r.status === 500), 'some attempts failed first');
      assert.deepEqual([...inboxSubjects(receiver, tag)].sort(), [...subjects].sort());
      // In order per connection: each connection's sequences, in the order they were accepted,
      // strictly increase (the receiver saw no event twice: none was answered 2xx and retried).
      const byConnection = new Map();
      for (const event of receiver.accepted().map((r) => JSON.parse(r.body))) {
        const sequences = byConnection.get(event.connectionId) ?? [];
        sequences.push(BigInt(event.sequence));
        byConnection.set(event.connectionId, sequences);
      }
      for (const [id, sequences] of byConnection) {
        for (let i = 1; i < sequences.length; i++) {
          assert.ok(sequences[i] > sequences[i - 1], `connection ${id}: ${sequences.join(', ')} in order`);
        }
      }
      for (const request of receiver.requests) webhook.verify(request.body, webhookHeaders(request));
      const retried = receiver.requests.filter((r) => r.status === 500).map((r) => r.headers['webhook-id']);
      for (const id of retried) {
        assert.ok(receiver.accepted().some((r) => r.headers['webhook-id'] === id), `event ${id} arrived in the end`);
      }
      const { deliveries } = await acme.webhooks.listWebhookDeliveries({
        webhook_endpoint_id: created.webhook_endpoint.webhook_endpoint_id,
      });
      assert.ok(deliveries.some((d) => d.attempts > 1 && d.status === 'WEBHOOK_DELIVERY_STATUS_SUCCEEDED'));
      await acme.webhooks.deleteWebhookEndpoint({ webhook_endpoint_id: created.webhook_endpoint.webhook_endpoint_id });
    } finally {
      await receiver.close();
    }
  });

  test('a URL with a private address is refused', async () => {
    await assert.rejects(createEndpoint('https://10.0.0.7/hooks'), (err) => {
      const { code, reason, fieldViolations } = decodeError(err);
      assert.equal(code, 3);
      assert.equal(reason, 'INVALID_ARGUMENT');
      assert.equal(fieldViolations[0].field, 'webhook_endpoint.url');
      return true;
    });
  });
});
