// Mailgate from a Node.js backend: create (or fetch) a user, list its mailbox connections, and
// handle a Mailgate error by its reason.
//
//   MAILGATE_ADDRESS=127.0.0.1:8080 MAILGATE_TENANT=acme MAILGATE_API_KEY=mgk_... node example.js

import { createClients, decodeError } from './lib/mailgate.js';

const mailgate = createClients({
  address: process.env.MAILGATE_ADDRESS ?? '127.0.0.1:8080',
  tenantId: process.env.MAILGATE_TENANT ?? 'acme',
  apiKey: process.env.MAILGATE_API_KEY ?? 'mgk_dev_acme_5f2c9a7e41d8',
});

const userId = process.env.MAILGATE_EXAMPLE_USER ?? 'example-user';

try {
  // 1. Create the user; if it is already there, that's fine: switch on the reason, not the message.
  try {
    const created = await mailgate.users.createUser({ user_id: userId, email: `${userId}@example.com` });
    console.log(`created user ${created.user_id} <${created.email}>`);
  } catch (err) {
    if (decodeError(err).reason !== 'USER_EXISTS') throw err;
    console.log(`user ${userId} already exists`);
  }

  // 2. Read it back. x-request-id is optional; the gateway echoes it in the response headers.
  const user = await mailgate.users.getUser(
    { user_id: userId },
    { requestId: `example-${Date.now()}`, onHeaders: (h) => console.log(`x-request-id: ${h.get('x-request-id')[0]}`) },
  );
  console.log(`user ${user.user_id} has ${user.connection_count} connection(s)`);

  // 3. List the user's mailbox connections, one page at a time.
  let pageToken = '';
  do {
    const page = await mailgate.connections.listConnections({ user_id: userId, page_size: 50, page_token: pageToken });
    for (const c of page.connections) {
      console.log(`  ${c.connection_id}  ${c.provider}  ${c.email_address}  ${c.status}`);
    }
    pageToken = page.next_page_token;
  } while (pageToken);

  // 4. A failing call: every Mailgate error carries a google.rpc.ErrorInfo with a stable reason.
  try {
    await mailgate.connections.getConnection({ user_id: userId, connection_id: 'no-such-connection' });
  } catch (err) {
    const { codeName, reason, domain, message, fieldViolations, retryDelay } = decodeError(err);
    console.log('expected error:', { codeName, reason, domain, message, fieldViolations, retryDelay });
  }
} catch (err) {
  const e = decodeError(err);
  console.error(`Mailgate call failed: ${e.codeName} ${e.reason ?? ''} ${e.message}`);
  process.exitCode = 1;
} finally {
  mailgate.close();
}
