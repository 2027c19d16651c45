// gRPC-Web from a real browser: a page bundled from browser/page.js (@connectrpc/connect-web over
// code generated from proto/, see lib/grpc-web-bundle.js) is served by a small static server on
// another origin than the gateway, opened in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), and calls the dev gateway with acme's key: it lists alice's
// connections, receives a WatchMailbox event, and reads an error's reason. A page served from an
// origin no tenant allows is refused: the gateway answers its preflight without
// Access-Control-Allow-Origin and Chromium blocks the call.
//
// Dev mode lets the allowed page's origin in with `--allow-origin`. Without /usr/bin/chromium the
// file is skipped, except with CI=true, where it fails.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { launchChromium, skipWithoutChromium } from '../lib/chromium.js';
import { createClients } from '../lib/mailgate.js';
import { connectSandboxGmail, mailSelf, startDevGateway } from '../lib/dev-gateway.js';
import { buildGrpcWebPage } from '../lib/grpc-web-bundle.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };
const TEST = { timeout: 90_000 };

const skip = skipWithoutChromium('gRPC-Web browser tests');

/** Serves the page and its script on 127.0.0.1 (a free port); resolves with { origin, close() }. */
async function servePage({ html, script }) {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url, 'http://page').pathname;
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/bundle.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('gRPC-Web from a page on another origin (Chromium)', { skip, timeout: 400_000 }, () => {
  let allowedPage;
  let refusedPage;
  let gateway;
  let acme;
  let connection;
  let browser;
  let gatewayUrl;

  before(async () => {
    const page = await buildGrpcWebPage();
    allowedPage = await servePage(page);
    refusedPage = await servePage(page);
    gateway = await startDevGateway({
      timeoutMs: 110_000,
      extraArgs: ['--allow-origin', allowedPage.origin, '--poll-interval', 'PT0.5S'],
    });
    gatewayUrl = `http://${gateway.address}`;
    acme = createClients({ address: gateway.address, ...ACME });
    connection = await connectSandboxGmail(acme, 'alice', 'alice@example.com');
    browser = await launchChromium('gRPC-Web browser tests');
  }, { timeout: 180_000 });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      acme?.close();
      await gateway?.stop();
      await allowedPage?.close();
      await refusedPage?.close();
    }
  });

  /** Runs fn(page, consoleLines) on `origin`'s page in a fresh browser context (empty profile). */
  async function onPage(origin, fn) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const consoleLines = [];
      page.on('console', (message) => consoleLines.push(message.text()));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => window.mailgate !== undefined);
      return await fn(page, consoleLines);
    } finally {
      await context.close();
    }
  }

  test('a page on an allowed origin lists alice\'s connections with the tenant\'s key', TEST, async () => {
    const answer = await onPage(allowedPage.origin, (page) =>
      page.evaluate((target) => window.mailgate.listConnections(target),
        { baseUrl: gatewayUrl, ...ACME, userId: 'alice' }));

    assert.equal(answer.failed, undefined, JSON.stringify(answer));
    assert.deepEqual(answer.connections.map((c) => c.connectionId), [connection.connection_id]);
    assert.equal(answer.connections[0].emailAddress, 'alice@example.com');
  });

  test('the page receives a WatchMailbox event over a server stream', TEST, async () => {
    const subject = `grpc-web ${randomUUID().slice(0, 8)}`;
    const event = await onPage(allowedPage.origin, async (page) => {
      await page.evaluate((target) => window.mailgate.watch(target),
        { baseUrl: gatewayUrl, ...ACME, userId: 'alice', connectionId: connection.connection_id });
      // An empty cursor starts at "now": give the stream a moment to be in place before mail arrives.
      await new Promise((r) => setTimeout(r, 1500));
      await mailSelf(acme, 'alice', connection, subject);
      const handle = await page.waitForFunction((wanted) => {
        const { events, streamErrors } = window.mailgate;
        if (streamErrors.length > 0) return { error: streamErrors[0] };
        return events.find((e) => e.message?.subject === wanted) ?? false;
      }, subject, { timeout: 60_000 });
      return handle.jsonValue();
    });

    assert.equal(event.error, undefined, JSON.stringify(event.error));
    assert.equal(event.type, 'MAILBOX_EVENT_TYPE_MESSAGE_ADDED');
    assert.equal(event.connectionId, connection.connection_id);
    assert.equal(event.userId, 'alice');
    assert.ok(event.cursor, 'the event carries a cursor');
  });

  test('an error reaches the page with its status and ErrorInfo reason', TEST, async () => {
    const answer = await onPage(allowedPage.origin, (page) =>
      page.evaluate((target) => window.mailgate.listConnections(target),
        { baseUrl: gatewayUrl, tenantId: 'acme', apiKey: 'mgk_not_the_key', userId: 'alice' }));

    assert.equal(answer.failed, true);
    assert.equal(answer.code, 'Unauthenticated');
    assert.deepEqual(answer.reasons, ['API_KEY_INVALID']);
  });

  test('a page on an origin no tenant allows is refused by the browser', TEST, async () => {
    const { answer, consoleLines } = await onPage(refusedPage.origin, async (page, lines) => ({
      answer: await page.evaluate((target) => window.mailgate.listConnections(target),
        { baseUrl: gatewayUrl, ...ACME, userId: 'alice' }),
      consoleLines: lines,
    }));

    assert.equal(answer.failed, true, JSON.stringify(answer));
    assert.equal(answer.connections, undefined);
    assert.deepEqual(answer.reasons, []);
    assert.ok(consoleLines.some((line) => /blocked by CORS policy/.test(line)),
      `Chromium reports the CORS refusal:\n${consoleLines.join('\n')}`);
  });
});
