// Browser test of the mailbox consent flow: a real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) follows StartAuthorization's URL to the dev OAuth server's login
// form, signs in the way a person would, and lands on the gateway's /oauth2/callback, which
// connects the mailbox and shows a page or redirects to the tenant's allowed return URL.
//
// Without /usr/bin/chromium the file is skipped, except with CI=true, where it fails.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, screenshotDir, skipWithoutChromium } from '../lib/chromium.js';
import { createClients } from '../lib/mailgate.js';
import { startDevGateway } from '../lib/dev-gateway.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };
const RETURN_URL = 'http://localhost:3000/connected'; // on acme's allow list
const RUN = randomBytes(4).toString('hex'); // keeps user ids unique across runs
const TEST = { timeout: 60_000 };

const skip = skipWithoutChromium('browser consent tests');

describe('consent flow in a real browser (Chromium)', { skip, timeout: 300_000 }, () => {
  let gateway;
  let acme;
  let browser;
  let replayable; // a /oauth2/callback URL that has already been used, from test a or b

  before(async () => {
    gateway = await startDevGateway({ timeoutMs: 110_000 });
    acme = createClients({ address: gateway.address, ...ACME });
    browser = await launchChromium('browser consent tests');
  }, { timeout: 120_000 });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      acme?.close();
      await gateway?.stop();
    }
  });

  /**
   * Runs fn(page, callbacks) in a fresh browser context (empty profile); callbacks collects the
   * URLs of the requests to /oauth2/callback. The context is closed even when fn throws.
   */
  async function withPage(fn) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const callbacks = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/oauth2/callback') callbacks.push(request.url());
      });
      return await fn(page, callbacks);
    } finally {
      await context.close();
    }
  }

  /** Opens the authorization URL, types the address into the login form and submits it. */
  async function signIn(page, authorizationUrl, email) {
    await page.goto(authorizationUrl);
    const form = page.locator('form').filter({ has: page.locator('input[name="username"]') });
    await form.locator('input[name="username"]').fill(email);
    await form.locator('[type="submit"]').click();
  }

  async function listConnections(userId) {
    return (await acme.connections.listConnections({ user_id: userId })).connections;
  }

  test('a. Gmail without return_url: the login form leads to the "Mailbox connected" page', TEST, async (t) => {
    const user = `consent-gmail-${RUN}`;
    const email = `${user}@example.com`;
    const start = await acme.connections.startAuthorization({ user_id: user, provider: 'PROVIDER_GMAIL' });
    assert.ok(start.authorization_url, `no authorization_url in ${JSON.stringify(start)}`);

    const text = await withPage(async (page, callbacks) => {
      const callbackResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth2/callback');
      callbackResponse.catch(() => {}); // awaited below; no unhandled rejection if signIn throws first
      await signIn(page, start.authorization_url, email);
      const response = await callbackResponse;
      await page.waitForURL((url) => url.pathname === '/oauth2/callback', { waitUntil: 'load' });
      const body = await page.locator('body').innerText();
      assert.equal(response.status(), 200, `callback answered ${response.status()}: ${body}`);
      assert.equal(await page.locator('h1').innerText(), 'Mailbox connected', `page text: ${body}`);

      const shot = path.join(screenshotDir(), 'consent-connected.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 0, `empty screenshot ${shot}`);
      t.diagnostic(`screenshot: ${shot}`);

      assert.equal(callbacks.length, 1, `callback requests: ${callbacks.join(', ')}`);
      replayable = callbacks[0];
      return body;
    });
    assert.ok(text.includes(email), `the page does not name ${email}: ${text}`);

    const connections = await listConnections(user);
    assert.equal(connections.length, 1, JSON.stringify(connections));
    const [connection] = connections;
    assert.deepEqual(
      { provider: connection.provider, email_address: connection.email_address, status: connection.status },
      { provider: 'PROVIDER_GMAIL', email_address: email, status: 'CONNECTION_STATUS_ACTIVE' },
    );
    const check = await acme.connections.checkConnection({ user_id: user, connection_id: connection.connection_id });
    assert.equal(check.valid, true, JSON.stringify(check));
  });

  test('b. Outlook with return_url: the browser ends on the return URL with connection_id and status=ACTIVE', TEST, async () => {
    const user = `consent-outlook-${RUN}`;
    const email = `${user}@example.com`;
    const start = await acme.connections.startAuthorization({
      user_id: user, provider: 'PROVIDER_OUTLOOK', login_hint: email, return_url: RETURN_URL,
    });

    const finalUrl = await withPage(async (page, callbacks) => {
      // Stand-in for the tenant's app, so the test needs nothing listening on port 3000.
      await page.route('http://localhost:3000/**', (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>app</h1>' }));
      await signIn(page, start.authorization_url, email);
      await page.waitForURL((url) => url.origin === 'http://localhost:3000', { waitUntil: 'load' });
      assert.equal(callbacks.length, 1, `callback requests: ${callbacks.join(', ')}`);
      replayable ??= callbacks[0];
      return new URL(page.url());
    });

    assert.equal(`${finalUrl.origin}${finalUrl.pathname}`, RETURN_URL, `ended on ${finalUrl}`);
    assert.equal(finalUrl.searchParams.get('status'), 'ACTIVE', `ended on ${finalUrl}`);
    const connections = await listConnections(user);
    assert.equal(connections.length, 1, JSON.stringify(connections));
    assert.deepEqual(
      { connection_id: finalUrl.searchParams.get('connection_id'), provider: 'PROVIDER_OUTLOOK',
        email_address: email, status: 'CONNECTION_STATUS_ACTIVE' },
      { connection_id: connections[0].connection_id, provider: connections[0].provider,
        email_address: connections[0].email_address, status: connections[0].status },
    );
  });

  test('c. replaying a used callback URL answers 400 "not valid" and connects nothing', TEST, async () => {
    assert.ok(replayable, 'no callback URL was captured: tests a and b both failed before reaching it');
    const state = new URL(replayable).searchParams.get('state');
    assert.ok(state, `no state in ${replayable}`);
    const users = [`consent-gmail-${RUN}`, `consent-outlook-${RUN}`];
    const counts = async () => Promise.all(users.map(async (u) => (await listConnections(u)).length));
    const before = await counts();

    await withPage(async (page) => {
      await page.route('http://localhost:3000/**', (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>app</h1>' }));
      const response = await page.goto(replayable);
      const body = await page.locator('body').innerText();
      assert.equal(response.status(), 400, `replay answered ${response.status()} at ${page.url()}: ${body}`);
      assert.match(body, /link is not valid/i);
    });

    assert.deepEqual(await counts(), before);
  });
});
