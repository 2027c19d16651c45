// The Mailgate tenant dashboard. It signs in with a tenant id and a dashboard key, then reads
// mailgate.v1.ReportService/GetTenantSummary through the gateway's HTTP/JSON API
// (GET /v1/sendReport) like any other caller, and draws what it answers. The key travels only in
// the authorization header, is kept in sessionStorage (this tab, until sign-out or the tab
// closes) and never in a URL. Everything shown is set as text, never as HTML.
'use strict';

(() => {
  const STORAGE_KEY = 'mailgate.dashboard.session';
  const DAY_MS = 24 * 60 * 60 * 1000;
  const PROVIDERS = { PROVIDER_GMAIL: 'Gmail', PROVIDER_OUTLOOK: 'Outlook', PROVIDER_IMAP: 'IMAP' };
  const STATUSES = {
    CONNECTION_STATUS_ACTIVE: 'active',
    CONNECTION_STATUS_NEEDS_REAUTH: 'needs re-authorization',
    CONNECTION_STATUS_DISCONNECTED: 'disconnected',
  };

  const $ = (id) => document.getElementById(id);
  let chart = null;

  /** A failed call: its HTTP status, google.rpc.Status code and ErrorInfo reason. */
  class CallFailed extends Error {
    constructor(status, message, reason) {
      super(message);
      this.status = status;
      this.reason = reason;
    }
  }

  function savedSession() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY));
      return saved && typeof saved.tenantId === 'string' && typeof saved.key === 'string' ? saved : null;
    } catch {
      return null;
    }
  }

  function rangeDays() {
    return Number($('range').value) || 30;
  }

  /** GetTenantSummary over HTTP/JSON for the last `days` days; resolves with the report, rejects with CallFailed. */
  async function fetchSummary(session, days) {
    const end = new Date();
    const start = new Date(end.getTime() - days * DAY_MS);
    const query = new URLSearchParams({ startTime: start.toISOString(), endTime: end.toISOString() });
    let response;
    try {
      response = await fetch(`/v1/sendReport?${query}`, {
        headers: { 'x-tenant-id': session.tenantId, authorization: `Bearer ${session.key}`, accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (error) {
      throw new CallFailed(0, `The gateway could not be reached (${error.message}).`, '');
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const info = (body.details || []).find((d) => String(d['@type'] || '').endsWith('/google.rpc.ErrorInfo'));
      throw new CallFailed(response.status, body.message || `HTTP ${response.status}`, info ? info.reason : '');
    }
    return body;
  }

  /** What to tell the person about a failed call. */
  function explain(failure) {
    switch (failure.status) {
      case 401:
        return 'The tenant id or dashboard key was not accepted. Check both and try again.';
      case 403:
        return `This key may not read the report (${failure.reason || 'permission denied'}).`;
      case 429:
        return 'Too many requests for this tenant right now; try again in a moment.';
      default:
        return failure.status === 0 ? failure.message : `The report could not be read: ${failure.message}`;
    }
  }

  const count = (value) => Number(value || 0);

  /** A google.protobuf.Duration in its JSON form ("1.5s") as words. */
  function duration(text) {
    if (!text) return '–';
    const seconds = parseFloat(text);
    if (!Number.isFinite(seconds)) return '–';
    if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
    if (seconds < 60) return `${seconds.toFixed(1)} s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
    return `${(seconds / 86400).toFixed(1)} days`;
  }

  /** A timestamp (RFC 3339) as "YYYY-MM-DD HH:MM" in UTC. */
  function time(text) {
    if (!text) return '–';
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? '–' : date.toISOString().slice(0, 16).replace('T', ' ');
  }

  /** The success rate as the page shows it: one decimal, or a dash without sends. */
  function successRate(report) {
    const total = count(report.totalCount);
    return total === 0 ? '–' : `${((count(report.successCount) / total) * 100).toFixed(1)}%`;
  }

  function setText(id, text) {
    $(id).textContent = String(text);
  }

  /** Replaces a table body's rows: one row per item, cells as text; a single muted row when there are none. */
  function fillRows(id, items, columns, cells, empty) {
    const body = $(id);
    body.replaceChildren();
    if (items.length === 0) {
      const row = body.insertRow();
      const cell = row.insertCell();
      cell.colSpan = columns;
      cell.className = 'empty';
      cell.textContent = empty;
      return;
    }
    for (const item of items) {
      const row = body.insertRow();
      for (const [text, className] of cells(item)) {
        const cell = row.insertCell();
        cell.textContent = String(text);
        if (className) cell.className = className;
      }
    }
  }

  /** Every UTC day of the range, oldest first, with the report's counts (zero for days without sends). */
  function days(report) {
    const counts = new Map((report.byDay || []).map((d) => [d.day, d]));
    const end = new Date(report.endTime || Date.now());
    const start = new Date(report.startTime || end.getTime() - 30 * DAY_MS);
    const result = [];
    for (let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); t <= end.getTime(); t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      const found = counts.get(day) || {};
      result.push({ day, success: count(found.successCount), failure: count(found.failureCount) });
    }
    return result;
  }

  function drawChart(report) {
    const series = days(report);
    const data = {
      labels: series.map((d) => d.day.slice(5)),
      datasets: [
        { label: 'Delivered', data: series.map((d) => d.success), backgroundColor: '#1f8a4c', stack: 'sends' },
        { label: 'Failed', data: series.map((d) => d.failure), backgroundColor: '#c0392b', stack: 'sends' },
      ],
    };
    if (typeof window.Chart !== 'function') {
      return; // the numbers and tables still show
    }
    if (chart) chart.destroy();
    chart = new window.Chart($('sends-chart'), {
      type: 'bar',
      data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  function render(report) {
    setText('range-text', `From ${time(report.startTime)} to ${time(report.endTime)} UTC`);
    setText('total-count', count(report.totalCount));
    setText('success-count', count(report.successCount));
    setText('failure-count', count(report.failureCount));
    setText('success-rate', successRate(report));
    setText('user-count', count(report.userCount));
    setText('active-user-count', count(report.activeUserCount));
    drawChart(report);

    fillRows('top-recipients', report.topRecipients || [], 2,
      (r) => [[r.address], [count(r.count), 'num']], 'No sends in this range');
    fillRows('top-senders', report.topSenders || [], 3,
      (s) => [[s.userId], [count(s.count), 'num'], [count(s.failureCount), 'num']], 'No sends in this range');
    fillRows('recent', report.recent || [], 5, (r) => [
      [time(r.sendTime)], [r.userId], [(r.recipients || []).join(', ')], [r.subject || '', 'subject'],
      [r.success ? 'delivered' : `failed: ${r.error || ''}`, r.success ? 'ok' : 'bad'],
    ], 'No sends in this range');
    fillRows('connection-counts', report.connectionCounts || [], 3, (c) => [
      [PROVIDERS[c.provider] || c.provider], [STATUSES[c.status] || c.status], [count(c.count), 'num'],
    ], 'No connections');
    fillRows('reauth-connections', report.reauthConnections || [], 4, (c) => [
      [c.userId], [PROVIDERS[c.provider] || c.provider], [c.emailAddress], [time(c.updateTime)],
    ], 'None: every connection can be used');

    const events = report.eventLag || {};
    setText('event-count', count(events.eventCount));
    setText('measured-count', count(events.measuredCount));
    setText('median-lag', duration(events.medianLag));
    setText('p95-lag', duration(events.p95Lag));
    setText('last-event-time', time(events.lastEventTime));

    const webhooks = report.webhookHealth || {};
    setText('endpoint-count', count(webhooks.endpointCount));
    setText('disabled-endpoint-count', count(webhooks.disabledEndpointCount));
    setText('pending-count', count(webhooks.pendingCount));
    setText('oldest-pending-age', duration(webhooks.oldestPendingAge));
    setText('succeeded-count', count(webhooks.succeededCount));
    setText('dead-lettered-count', count(webhooks.deadLetteredCount));
  }

  function showSignIn(message) {
    if (chart) {
      chart.destroy();
      chart = null;
    }
    $('report').hidden = true;
    $('session').hidden = true;
    $('signin').hidden = false;
    $('signin-error').hidden = !message;
    $('signin-error').textContent = message || '';
    document.body.dataset.state = message ? 'refused' : 'signed-out';
    $(message ? 'dashboard-key' : 'tenant-id').focus();
  }

  function showReport(session, report) {
    $('signin').hidden = true;
    $('signin-error').hidden = true;
    $('report-error').hidden = true;
    $('session').hidden = false;
    $('signed-in-tenant').textContent = session.tenantId;
    $('report').hidden = false;
    render(report);
    document.body.dataset.state = 'loaded';
  }

  /** Reads and shows the report for a signed-in session; a refused key signs out. */
  async function load(session) {
    document.body.dataset.state = 'loading';
    try {
      showReport(session, await fetchSummary(session, rangeDays()));
    } catch (failure) {
      if (failure.status === 401) {
        sessionStorage.removeItem(STORAGE_KEY);
        showSignIn(explain(failure));
        return;
      }
      $('report-error').textContent = explain(failure);
      $('report-error').hidden = false;
      document.body.dataset.state = 'failed';
    }
  }

  async function signIn(event) {
    event.preventDefault();
    const session = { tenantId: $('tenant-id').value.trim(), key: $('dashboard-key').value.trim() };
    if (!session.tenantId || !session.key) {
      showSignIn('Enter the tenant id and a dashboard key.');
      return;
    }
    $('signin-button').disabled = true;
    document.body.dataset.state = 'signing-in';
    try {
      const report = await fetchSummary(session, rangeDays());
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
      $('dashboard-key').value = '';
      showReport(session, report);
    } catch (failure) {
      $('dashboard-key').value = '';
      showSignIn(explain(failure));
    } finally {
      $('signin-button').disabled = false;
    }
  }

  function signOut() {
    sessionStorage.removeItem(STORAGE_KEY);
    showSignIn('');
  }

  function start() {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    const reload = () => {
      const session = savedSession();
      if (session) load(session); else showSignIn('');
    };
    $('refresh').addEventListener('click', reload);
    $('range').addEventListener('change', reload);
    reload();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
