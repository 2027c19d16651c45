// The tenant dashboard (/dashboard) in a real headless Chromium (lib/chromium.js): after a known
// set of sandbox sends, an operator signs in with acme's dev dashboard key and the page shows the
// numbers GetTenantSummary answers (the page's own HTTP/JSON answer, and a gRPC call with the API
// key); a wrong key is refused with a visible message. Screenshots go to target/screenshots/.
//
// Without /usr/bin/chromium the file is skipped, except with CI=true, where it fails.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { launchChromium, screenshotDir, skipWithoutChromium } from '../lib/chromium.js';
import { createClients } from '../lib/mailgate.js';
import { connectSandboxGmail, startDevGateway } from '../lib/dev-gateway.js';

const ACME = { tenantId: 'acme', apiKey: 'mgk_dev_acme_5f2c9a7e41d8' };
const DASHBOARD_KEY = 'mgd_dev_acme_7c41e09b2d5f'; // acme's published dev dashboard key
const TEST = { timeout: 90_000 };
const PROVIDERS = { PROVIDER_GMAIL: 'Gmail', PROVIDER_OUTLOOK: 'Outlook', PROVIDER_IMAP: 'IMAP' };
const STATUSES = {
  CONNECTION_STATUS_ACTIVE: 'active',
  CONNECTION_STATUS_NEEDS_REAUTH: 'needs re-authorization',
  CONNECTION_STATUS_DISCONNECTED: 'disconnected',
};

const skip = skipWithoutChromium('dashboard browser tests');

describe('tenant dashboard in a real browser (Chromium)', { skip, timeout: 400_000 }, () => {
  let gateway;
  let acme;
  let browser;
  let dashboardUrl;
  let before_; // the tenant summary before this file's sends

  async function send(userId, connection, to, subject) {
    await acme.mail.sendMessage({
      user_id: userId,
      connection_id: connection.connection_id,
      request_id: randomUUID(),
      content: { to: to.map((address) => ({ address })), subject, text_body: 'for the dashboard' },
    });
  }

  before(async () => {
    gateway = await startDevGateway({ timeoutMs: 110_000 });
    dashboardUrl = `http://${gateway.address}/dashboard`;
    acme = createClients({ address: gateway.address, ...ACME });
    before_ = await acme.reports.getTenantSummary({});
    const alice = await connectSandboxGmail(acme, 'alice', 'alice@example.com');
    const bob = await connectSandboxGmail(acme, 'bob', 'bob@example.com');
    await send('alice', alice, ['carol@example.org'], 'dashboard 1');
    await send('alice', alice, ['carol@example.org', 'dave@example.org'], 'dashboard 2');
    await send('alice', alice, ['alice@example.com'], 'dashboard 3');
    await send('bob', bob, ['carol@example.org'], 'dashboard 4');
    browser = await launchChromium('dashboard browser tests');
  }, { timeout: 180_000 });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      acme?.close();
      await gateway?.stop();
    }
  });

  /** Runs fn(page, seen) in a fresh browser context; seen collects request URLs and console errors. */
  async function withPage(fn) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const seen = { urls: [], errors: [] };
      page.on('request', (request) => seen.urls.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') seen.errors.push(message.text());
      });
      page.on('pageerror', (error) => seen.errors.push(String(error)));
      return await fn(page, seen);
    } finally {
      await context.close();
    }
  }

  async function signIn(page, tenantId, key) {
    const response = await page.goto(dashboardUrl);
    assert.equal(response.status(), 200);
    await page.waitForFunction(() => document.body.dataset.state === 'signed-out');
    await page.fill('#tenant-id', tenantId);
    await page.fill('#dashboard-key', key);
    await page.click('#signin-button');
    return response;
  }

  const text = (page, selector) => page.locator(selector).innerText();
  const rows = (page, selector) => page.locator(`${selector} tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  const number = (value) => String(Number(value ?? 0));

  test('signs in with the dashboard key and shows the numbers GetTenantSummary answers', TEST, async () => {
    await withPage(async (page, seen) => {
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/sendReport');
      answer.catch(() => {});
      const loaded = await signIn(page, 'acme', DASHBOARD_KEY);
      const headers = loaded.headers();
      assert.match(headers['content-security-policy'], /script-src 'self'/);
      assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline/);
      const response = await answer;
      assert.equal(response.status(), 200);
      assert.equal(response.headers()['cache-control'], 'no-store');
      const shown = await response.json(); // the GetTenantSummary answer the page drew
      await page.waitForFunction(() => document.body.dataset.state === 'loaded');

      // The sends this file made, counted by an independent gRPC call with the API key.
      const summary = await acme.reports.getTenantSummary({});
      assert.equal(Number(summary.total_count), Number(before_.total_count) + 4);
      assert.equal(await text(page, '#total-count'), number(summary.total_count));
      assert.equal(await text(page, '#success-count'), number(summary.success_count));
      assert.equal(await text(page, '#failure-count'), number(summary.failure_count));
      const rate = ((Number(summary.success_count) / Number(summary.total_count)) * 100).toFixed(1);
      assert.equal(await text(page, '#success-rate'), `${rate}%`);
      assert.equal(await text(page, '#user-count'), number(summary.user_count));
      assert.equal(await text(page, '#active-user-count'), number(summary.active_user_count));
      assert.ok(Number(summary.active_user_count) >= 2, 'alice and bob sent');
      assert.deepEqual(await rows(page, '#top-recipients'),
        summary.top_recipients.map((r) => [r.address, number(r.count)]));
      assert.deepEqual(summary.top_recipients[0], { address: 'carol@example.org', count: String(3 + carolBefore()) });
      assert.deepEqual(await rows(page, '#top-senders'),
        summary.top_senders.map((s) => [s.user_id, number(s.count), number(s.failure_count)]));
      assert.deepEqual((await rows(page, '#recent')).map((cells) => cells[3]),
        summary.recent.map((r) => r.subject));
      assert.equal((await rows(page, '#recent'))[0][3], 'dashboard 4');

      // The chart draws the same days: delivered and failed add up to the report's counts.
      const charted = await page.evaluate(() => window.Chart.getChart(document.getElementById('sends-chart'))
        .data.datasets.map((set) => set.data.reduce((sum, n) => sum + n, 0)));
      assert.deepEqual(charted, [Number(summary.success_count), Number(summary.failure_count)]);

      // Connections, events and webhooks change on their own (the watcher): compare with the answer the page drew.
      assert.deepEqual(await rows(page, '#connection-counts'), (shown.connectionCounts ?? []).map((c) =>
        [PROVIDERS[c.provider], STATUSES[c.status], number(c.count)]));
      const reauth = shown.reauthConnections ?? [];
      assert.deepEqual((await rows(page, '#reauth-connections')).map((cells) => cells[0]),
        reauth.length ? reauth.map((c) => c.userId) : ['None: every connection can be used']);
      assert.equal(await text(page, '#event-count'), number(shown.eventLag?.eventCount));
      assert.equal(await text(page, '#measured-count'), number(shown.eventLag?.measuredCount));
      assert.equal(await text(page, '#endpoint-count'), number(shown.webhookHealth?.endpointCount));
      assert.equal(await text(page, '#pending-count'), number(shown.webhookHealth?.pendingCount));
      assert.equal(await text(page, '#dead-lettered-count'), number(shown.webhookHealth?.deadLetteredCount));

      await page.screenshot({ path: path.join(screenshotDir(), 'dashboard.png'), fullPage: true });

      // The key is in this tab's sessionStorage only: never in a URL, never in localStorage.
      assert.ok(seen.urls.length > 0);
      assert.ok(seen.urls.every((url) => !url.includes(DASHBOARD_KEY)), seen.urls.join('\n'));
      assert.ok(seen.urls.filter((url) => !url.startsWith('data:')).every((url) => new URL(url).host === gateway.address),
        `nothing from another host (no CDN):\n${seen.urls.join('\n')}`);
      const storage = await page.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: localStorage.length }));
      assert.ok(storage.session.includes(DASHBOARD_KEY));
      assert.equal(storage.local, 0);
      assert.deepEqual(seen.errors, []);

      // A reload stays signed in; signing out forgets the key.
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.state === 'loaded');
      await page.click('#sign-out');
      await page.waitForFunction(() => document.body.dataset.state === 'signed-out');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    });
  });

  /** carol's sends from before this file's, for a gateway that was not fresh. */
  function carolBefore() {
    return Number((before_.top_recipients ?? []).find((r) => r.address === 'carol@example.org')?.count ?? 0);
  }

  test('a wrong key is refused with a visible message and nothing is kept', TEST, async () => {
    await withPage(async (page) => {
      await signIn(page, 'acme', 'mgd_not_the_key');
      await page.waitForFunction(() => document.body.dataset.state === 'refused');
      const message = page.locator('#signin-error');
      assert.ok(await message.isVisible());
      assert.match(await message.innerText(), /not accepted/);
      assert.equal(await page.locator('#report').isVisible(), false);
      assert.equal(await page.inputValue('#dashboard-key'), '');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      await page.screenshot({ path: path.join(screenshotDir(), 'dashboard-refused.png'), fullPage: true });

      // acme's dashboard key opens nothing of globex's.
      await page.fill('#tenant-id', 'globex');
      await page.fill('#dashboard-key', DASHBOARD_KEY);
      await page.click('#signin-button');
      await page.waitForFunction(() => document.body.dataset.state === 'refused'
        && document.getElementById('signin-button').disabled === false);
      assert.match(await message.innerText(), /not accepted/);
    });
  });
});
