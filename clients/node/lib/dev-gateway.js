// Starts the Mailgate gateway in dev mode as a child process, for tests and local experiments:
//
//   java -jar <jar> dev --port 0 --data-dir <fresh temp dir>
//
// and waits for the "ready on <host>:<port>" line on stdout. The child is killed when stop() is
// called, and also (SIGKILL) if this process exits or is interrupted without calling stop().

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const READY = /ready on ([\d.]+):(\d+)/;

/** $MAILGATE_JAR, else <repo>/server/dev/target/mailgate-dev-app.jar. */
export function defaultJar() {
  return process.env.MAILGATE_JAR
    ? path.resolve(process.env.MAILGATE_JAR)
    : path.resolve(here, '..', '..', '..', 'server', 'dev', 'target', 'mailgate-dev-app.jar');
}

/** $JAVA_HOME/bin/java when JAVA_HOME is set, else java from PATH. */
export function defaultJava() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

const running = new Set();
let hooksInstalled = false;

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      for (const child of running) child.kill('SIGKILL');
      process.exit(128 + (os.constants.signals[signal] ?? 1));
    });
  }
}

/**
 * Starts the gateway and resolves with { address, host, port, child, dataDir, output(), stop() }
 * once it is ready. Rejects (after killing the child) if it exits early or is not ready within
 * timeoutMs; the error message carries the tail of its output.
 */
export async function startDevGateway({
  jar = defaultJar(),
  java = defaultJava(),
  timeoutMs = 90_000,
  extraArgs = [],
  echo = process.env.MAILGATE_GATEWAY_LOG === '1',
} = {}) {
  if (!existsSync(jar)) {
    throw new Error(
      `Mailgate server jar not found at ${jar}. Build it first (./mvnw -pl server/dev -am package ` +
        `-DskipTests from the repository root) or point MAILGATE_JAR at it.`,
    );
  }
  installExitHooks();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailgate-node-'));
  const args = ['-jar', jar, 'dev', '--port', '0', '--data-dir', dataDir, ...extraArgs];
  const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);

  const lines = [];
  const remember = (stream, name) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      if (echo) process.stderr.write(chunk);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const line of parts) {
        lines.push(`[${name}] ${line}`);
        if (lines.length > 400) lines.shift();
        if (name === 'stdout') stdoutLine(line);
      }
    });
  };
  const output = () => lines.join('\n');

  let stdoutLine = () => {};
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const ready = new Promise((resolve, reject) => {
    stdoutLine = (line) => {
      const m = READY.exec(line);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    };
    child.once('error', (err) => reject(new Error(`could not start ${java}: ${err.message}`)));
    exited.then(({ code, signal }) =>
      reject(new Error(`gateway exited before it was ready (code ${code}, signal ${signal})\n${output()}`)),
    );
  });
  remember(child.stdout, 'stdout');
  remember(child.stderr, 'stderr');

  let stopped = false;
  const stop = async ({ graceMs = 30_000 } = {}) => {
    if (stopped) return exited;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    return exited;
  };

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`gateway not ready within ${timeoutMs} ms\n${output()}`)),
      timeoutMs,
    );
  });
  try {
    const { host, port } = await Promise.race([ready, timeout]);
    return { address: `${host}:${port}`, host, port, child, dataDir, output, stop, exited };
  } catch (err) {
    await stop({ graceMs: 5_000 });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects `userId`'s sandbox Gmail mailbox `email` in dev mode: StartAuthorization, the local
 * OAuth server's login form submitted over HTTP as `email`, then the callback. Resolves with the
 * connection as ListConnections shows it.
 */
export async function connectSandboxGmail(clients, userId, email) {
  const started = await clients.connections.startAuthorization({ user_id: userId, provider: 'PROVIDER_GMAIL' });
  const login = await fetch(started.authorization_url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=${encodeURIComponent(email)}`,
  });
  if (login.status !== 302) throw new Error(`the OAuth login form answered ${login.status}`);
  const callback = await fetch(login.headers.get('location'), { redirect: 'manual' });
  if (callback.status !== 200) throw new Error(`the OAuth callback answered ${callback.status}`);
  const { connections } = await clients.connections.listConnections({ user_id: userId });
  return connections.find((c) => c.email_address === email);
}

/** The user mails their own connected mailbox (the sandbox delivers it to their inbox), with a fresh request id. */
export async function mailSelf(clients, userId, connection, subject) {
  await clients.mail.sendMessage({
    user_id: userId,
    connection_id: connection.connection_id,
    request_id: randomUUID(),
    content: { to: [{ address: connection.email_address }], subject, text_body: 'hello' },
  });
}
