// Issue 5's promise, from a Node backend: the same script (examples/mailbox-tour.js) runs
// unchanged against alice's Gmail, Outlook and IMAP connections in dev mode, and the results agree.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClients } from '../lib/mailgate.js';
import { startDevGateway } from '../lib/dev-gateway.js';
import { tour } from '../examples/mailbox-tour.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };

async function connectOAuth(mg, provider) {
  const started = await mg.connections.startAuthorization({ user_id: 'alice', provider });
  const login = await fetch(started.authorization_url, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=alice%40example.com',
  });
  const callback = await fetch(login.headers.get('location'), { redirect: 'manual' });
  assert.equal(callback.status, 200);
}

describe('one script, three providers (dev mode)', { timeout: 300_000 }, () => {
  let gateway;
  let mg;
  const byProvider = {};

  before(async () => {
    gateway = await startDevGateway({ timeoutMs: 110_000 });
    mg = createClients({ address: gateway.address, ...ACME });
    await connectOAuth(mg, 'PROVIDER_GMAIL');
    await connectOAuth(mg, 'PROVIDER_OUTLOOK');
    let ports;
    for (let i = 0; i < 50 && !ports; i++) {
      ports = gateway.output().match(/plain IMAP (\d+) \/ SMTP (\d+)/);
      if (!ports) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ports, 'dev mode prints the IMAP and SMTP ports');
    await mg.connections.createImapConnection({
      user_id: 'alice', email_address: 'alice@example.com', username: 'alice@example.com', password: 'alice-imap-dev',
      imap_host: '127.0.0.1', imap_port: Number(ports[1]), imap_security: 'IMAP_SECURITY_NONE',
      smtp_host: '127.0.0.1', smtp_port: Number(ports[2]), smtp_security: 'IMAP_SECURITY_NONE',
    });
    const { connections } = await mg.connections.listConnections({ user_id: 'alice' });
    for (const c of connections) byProvider[c.provider] = c.connection_id;
  }, { timeout: 150_000 });

  after(async () => {
    mg?.close();
    await gateway?.stop();
  });

  test('alice has a Gmail, an Outlook and an IMAP connection', () => {
    assert.deepEqual(Object.keys(byProvider).sort(), ['PROVIDER_GMAIL', 'PROVIDER_IMAP', 'PROVIDER_OUTLOOK']);
  });

  test('the mailbox tour gives the same results on all three', async () => {
    const results = {};
    for (const [provider, connectionId] of Object.entries(byProvider)) {
      results[provider] = await tour(mg, 'alice', connectionId);
    }
    const expected = {
      subject: 'Quarterly report',
      from: 'ada@example.org',
      hasAttachments: true,
      text: 'Hi, the report is attached. Can you review it by Friday?',
      attachment: { filename: 'report.pdf', startsWithPdf: true },
      replyJoinsThread: true,
      retrySendsNothingNew: true,
      threadHasReply: true,
      starredAndRead: true,
      trashed: true,
      restored: true,
    };
    for (const [provider, result] of Object.entries(results)) {
      assert.deepEqual(result, expected, `${provider}: ${JSON.stringify(result)}`);
    }
  });
});
