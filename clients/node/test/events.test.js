// Mailbox events in dev mode through the Node.js client: alice's sandbox Gmail is watched, mail
// she receives arrives as MESSAGE_ADDED on WatchMailbox, and the resume example picks up after a
// disconnect from its saved cursor with each event once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createClients } from '../lib/mailgate.js';
import { connectSandboxGmail, mailSelf, startDevGateway } from '../lib/dev-gateway.js';
import { watchWithResume } from '../examples/resume-watch.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };

describe('mailbox events in dev mode via the Node.js client', { timeout: 300_000 }, () => {
  let gateway;
  let acme;
  let connection;

  before(async () => {
    gateway = await startDevGateway({ timeoutMs: 110_000, extraArgs: ['--poll-interval', 'PT0.5S'] });
    acme = createClients({ address: gateway.address, ...ACME });
    connection = await connectSandboxGmail(acme, 'alice', 'alice@example.com');
  }, { timeout: 150_000 });

  after(async () => {
    acme?.close();
    await gateway?.stop();
  });

  /** alice mails herself: the sandbox delivers the message into her inbox. */
  const mailAlice = (subject) => mailSelf(acme, 'alice', connection, subject);

  test('arrivals resume from the saved cursor after a disconnect, each once', async () => {
    const tag = randomUUID().slice(0, 8);
    const progress = { cursor: '', lastSequence: {} };
    const received = [];
    const inbox = (event) => {
      const m = event.message;
      if (m && m.subject.endsWith(tag) && m.label_ids.includes('INBOX')) received.push(m.subject);
    };
    // An empty cursor starts at "now": give the stream a moment to be in place before mail arrives.
    const first = watchWithResume(acme.mail, 'alice', progress, inbox, () => received.length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    await mailAlice(`one ${tag}`);
    await first;
    assert.deepEqual(received, [`one ${tag}`]);
    assert.notEqual(progress.cursor, '');

    // Disconnected meanwhile: the next stream resumes from the saved cursor.
    await mailAlice(`two ${tag}`);
    await mailAlice(`three ${tag}`);
    await watchWithResume(acme.mail, 'alice', progress, inbox, () => received.length >= 3);
    assert.deepEqual(received, [`one ${tag}`, `two ${tag}`, `three ${tag}`]);
  });
});
