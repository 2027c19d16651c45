// AI agents through MCP against ./mailgate dev, with the official MCP TypeScript SDK client: the
// tenant's backend mints agent tokens over gRPC (AgentAccessService), and an MCP client that holds
// one (Streamable HTTP, Authorization: Bearer mga_...) sees only that user's mailboxes, within the
// token's scopes. Also: a send retried with the same request_id sends once, another user's
// connection is not found, and an expired, revoked or unknown token gets 401 with a
// WWW-Authenticate challenge naming the protected-resource metadata.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createClients } from '../lib/mailgate.js';
import { connectSandboxGmail, startDevGateway } from '../lib/dev-gateway.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };
const ALL_SCOPES = ['AGENT_SCOPE_READ', 'AGENT_SCOPE_MODIFY', 'AGENT_SCOPE_DRAFT', 'AGENT_SCOPE_SEND'];

describe('MCP for AI agents in dev mode', { timeout: 300_000 }, () => {
  let gateway;
  let acme;
  let alices;
  let bobs;
  let mcpUrl;
  let shortLived;
  const clients = [];

  async function mint(scopes, extra = {}) {
    return acme.agents.createAgentToken({ user_id: 'alice', scopes, ...extra });
  }

  async function connectMcp(token) {
    const client = new Client({ name: 'mailgate-node-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function post(token) {
    return fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
  }

  before(async () => {
    gateway = await startDevGateway({ timeoutMs: 110_000 });
    mcpUrl = `http://${gateway.address}/mcp`;
    acme = createClients({ address: gateway.address, ...ACME });
    alices = await connectSandboxGmail(acme, 'alice', 'alice@example.com');
    bobs = await connectSandboxGmail(acme, 'bob', 'bob@example.com');
    shortLived = await mint(['AGENT_SCOPE_READ'], { ttl: { seconds: 60 } });
  }, { timeout: 150_000 });

  after(async () => {
    for (const client of clients) await client.close().catch(() => {});
    acme?.close();
    await gateway?.stop();
  });

  test('the token is shown once, names its tenant, and lists the mail tools', async () => {
    const created = await mint(['AGENT_SCOPE_READ']);
    assert.match(created.token, /^mga_acme_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.agent_token.user_id, 'alice');
    const client = await connectMcp(created.token);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['list_connections', 'check_connection', 'search_messages', 'get_message', 'get_thread',
      'get_attachment', 'send_message', 'create_draft', 'list_drafts', 'send_draft', 'list_labels', 'modify_labels',
      'archive_message', 'trash_message', 'list_mailbox_events']) {
      assert.ok(names.includes(name), `tool ${name} is listed`);
    }
    for (const tool of tools) {
      assert.ok(!('user_id' in (tool.inputSchema.properties ?? {})), `${tool.name} takes no user_id`);
    }
  });

  test('search across all of the user\'s mailboxes and read a message', async () => {
    const client = await connectMcp((await mint(['AGENT_SCOPE_READ'])).token);
    const listed = await client.callTool({ name: 'list_connections', arguments: {} });
    assert.ok(!listed.isError, JSON.stringify(listed.content));
    assert.deepEqual(listed.structuredContent.connections.map((c) => c.connection_id), [alices.connection_id]);

    const found = await client.callTool({ name: 'search_messages', arguments: { query: 'has:attachment' } });
    assert.ok(!found.isError, JSON.stringify(found.content));
    const report = found.structuredContent.messages.find((m) => m.subject === 'Quarterly report');
    assert.ok(report, 'the seeded message with an attachment is found');
    const message = await client.callTool({
      name: 'get_message', arguments: { connection_id: alices.connection_id, message_id: report.message_id },
    });
    assert.match(message.structuredContent.text_body, /report is attached/);
  });

  test('a send retried with the same request_id sends one message', async () => {
    const client = await connectMcp((await mint(ALL_SCOPES)).token);
    const subject = `agent ${randomUUID()}`;
    const send = {
      name: 'send_message',
      arguments: {
        connection_id: alices.connection_id, request_id: `agent-${randomUUID()}`, to: ['ada@example.org'], subject,
        text_body: 'Sent by an agent.',
      },
    };
    const first = await client.callTool(send);
    assert.ok(!first.isError, JSON.stringify(first.content));
    const again = await client.callTool(send);
    assert.deepEqual(again.structuredContent, first.structuredContent, 'the retry returns the first result');
    const sent = await acme.mail.searchMessages({
      user_id: 'alice', connection_id: alices.connection_id, query: `in:sent subject:"${subject}"`,
    });
    assert.equal(sent.messages.length, 1, 'exactly one message was sent');
  });

  test("another user's connection is not found, exactly like a missing one", async () => {
    const client = await connectMcp((await mint(ALL_SCOPES)).token);
    const theirs = await client.callTool({
      name: 'search_messages', arguments: { connection_id: bobs.connection_id, query: '' },
    });
    const missing = await client.callTool({
      name: 'search_messages', arguments: { connection_id: randomUUID(), query: '' },
    });
    for (const result of [theirs, missing]) {
      assert.equal(result.isError, true);
      assert.equal(result.structuredContent.error.reason, 'CONNECTION_NOT_FOUND');
    }
    assert.deepEqual(theirs.content, missing.content);
    const user = await client.callTool({ name: 'list_connections', arguments: { user_id: 'bob' } }).catch((e) => e);
    assert.ok(user instanceof Error || user.isError, 'no tool takes a user_id');
  });

  test('a read-only token cannot send', async () => {
    const client = await connectMcp((await mint(['AGENT_SCOPE_READ'])).token);
    const refused = await client.callTool({
      name: 'send_message',
      arguments: { connection_id: alices.connection_id, request_id: randomUUID(), to: ['ada@example.org'], text_body: 'x' },
    });
    assert.equal(refused.isError, true);
    assert.equal(refused.structuredContent.error.reason, 'AGENT_SCOPE_MISSING');
  });

  test('a token limited to one connection sees only it', async () => {
    const client = await connectMcp((await mint(['AGENT_SCOPE_READ'], { connection_ids: [alices.connection_id] })).token);
    const listed = await client.callTool({ name: 'list_connections', arguments: {} });
    assert.deepEqual(listed.structuredContent.connections.map((c) => c.connection_id), [alices.connection_id]);
  });

  test('a revoked token is refused with 401 and a WWW-Authenticate challenge', async () => {
    const created = await mint(['AGENT_SCOPE_READ']);
    const client = await connectMcp(created.token);
    assert.ok(!(await client.callTool({ name: 'list_connections', arguments: {} })).isError);
    await acme.agents.revokeAgentToken({ user_id: 'alice', agent_token_id: created.agent_token.agent_token_id });
    // The SDK client surfaces a 401 on a POST only as a request that never gets its answer, so the
    // refusal itself is checked on the wire.

    const answer = await post(created.token);
    assert.equal(answer.status, 401);
    const challenge = answer.headers.get('www-authenticate');
    assert.match(challenge, /^Bearer resource_metadata="http:\/\/[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/);
    assert.match(challenge, /error="invalid_token"/);
    const missing = await post(null);
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate'), /^Bearer resource_metadata=/);
    assert.equal((await post(ACME.apiKey)).status, 401, 'the tenant API key is not an agent token');

    const metadata = await (await fetch(challenge.match(/resource_metadata="([^"]+)"/)[1])).json();
    assert.equal(metadata.resource, mcpUrl);
    assert.deepEqual(metadata.bearer_methods_supported, ['header']);
  });

  test('an expired token is refused with 401', async () => {
    const expires = Number(shortLived.agent_token.expire_time.seconds) * 1000;
    await sleep(Math.max(0, expires - Date.now() + 1500));
    const answer = await post(shortLived.token);
    assert.equal(answer.status, 401);
    assert.match(answer.headers.get('www-authenticate'), /error="invalid_token"/);
  }, { timeout: 90_000 });
});
