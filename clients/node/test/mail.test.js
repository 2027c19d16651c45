// The Gmail mail flow a Node backend runs against ./mailgate dev: connect alice's sandbox Gmail
// (the local OAuth server's login form, submitted over HTTP), search, read a message with an
// attachment, reply in its thread, retry the send with the same request_id, and check that the
// sandbox holds exactly one sent reply. Also: another user's connection is NOT_FOUND.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createClients, decodeError } from '../lib/mailgate.js';
import { connectSandboxGmail, startDevGateway } from '../lib/dev-gateway.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };

describe('Gmail mail operations in dev mode via the Node.js client', { timeout: 300_000 }, () => {
  let gateway;
  let acme;
  let connection;

  before(async () => {
    gateway = await startDevGateway({ timeoutMs: 110_000 });
    acme = createClients({ address: gateway.address, ...ACME });
    connection = await connectSandboxGmail(acme, 'alice', 'alice@example.com');
  }, { timeout: 150_000 });

  after(async () => {
    acme?.close();
    await gateway?.stop();
  });

  test('the demo connection of alice becomes ACTIVE when she authorizes', () => {
    assert.equal(connection.status, 'CONNECTION_STATUS_ACTIVE');
  });

  test('search, read with attachment, reply in thread, and a retried send that sends once', async () => {
    const base = { user_id: 'alice', connection_id: connection.connection_id };
    const found = await acme.mail.searchMessages({ user_id: 'alice', connection_id: '-', query: 'has:attachment' });
    const report = found.messages.find((m) => m.subject === 'Quarterly report');
    assert.ok(report, 'the seeded message with an attachment is found across all connections');
    assert.equal(report.connection_id, connection.connection_id);

    const message = await acme.mail.getMessage({ ...base, message_id: report.message_id, view: 'MESSAGE_VIEW_FULL' });
    assert.match(message.text_body, /report is attached/);
    assert.equal(message.attachments.length, 1);
    const attachment = await acme.mail.getAttachment({
      ...base, message_id: report.message_id, attachment_id: message.attachments[0].attachment_id,
    });
    assert.equal(attachment.filename, 'report.pdf');
    assert.match(Buffer.from(attachment.data).toString('latin1'), /^%PDF-1\.4/);

    const request = {
      ...base,
      request_id: `reply-${randomUUID()}`,
      content: { to: [{ address: 'ada@example.org' }], text_body: 'Reviewed, looks good.', reply_to_message_id: report.message_id },
    };
    const sent = await acme.mail.sendMessage(request);
    assert.equal(sent.thread_id, report.thread_id, 'the reply joins the thread');
    const retried = await acme.mail.sendMessage(request);
    assert.deepEqual(retried, sent, 'the retry returns the first result');

    const sentFolder = await acme.mail.searchMessages({ ...base, query: 'in:sent subject:"Re: Quarterly report"' });
    assert.equal(sentFolder.messages.length, 1, 'exactly one reply was sent');

    const changed = { ...request, content: { ...request.content, text_body: 'something else' } };
    const reused = decodeError(await acme.mail.sendMessage(changed).then(() => assert.fail('expected a failure'), (e) => e));
    assert.equal(reused.codeName, 'ALREADY_EXISTS');
    assert.equal(reused.reason, 'IDEMPOTENCY_KEY_REUSED');
  });

  test("bob cannot read alice's mailbox", async () => {
    const error = decodeError(await acme.mail.searchMessages({ user_id: 'bob', connection_id: connection.connection_id })
      .then(() => assert.fail('expected a failure'), (e) => e));
    assert.equal(error.codeName, 'NOT_FOUND');
    assert.equal(error.reason, 'CONNECTION_NOT_FOUND');
  });
});
