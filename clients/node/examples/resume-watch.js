// Watches all of a user's mailboxes the way a trigger service should: it saves the cursor of every
// event it handled (and of every heartbeat), resumes from the saved cursor after a disconnect or a
// restart, and drops the duplicates at-least-once delivery may bring with one comparison: an event
// whose sequence is not above the last one handled for its connection.
//
//   const progress = { cursor: '', lastSequence: {} };        // persist this with your work
//   await watchWithResume(clients.mail, 'alice', progress, (event) => startWorkflow(event), () => stopping);

const RECONNECT = new Set([1 /* CANCELLED */, 14 /* UNAVAILABLE */]);

/** Records the event's sequence in `progress`; false for an event already handled (a redelivery). */
function isNew(progress, event) {
  const sequence = Number(event.sequence ?? 0);
  if (!event.connection_id || sequence === 0) return true; // a RESYNC_REQUIRED for an expired cursor
  const last = progress.lastSequence[event.connection_id];
  if (last !== undefined && sequence <= last) return false;
  progress.lastSequence[event.connection_id] = sequence;
  return true;
}

/** One stream from the saved cursor; resolves when it ended or `until()` became true after an event. */
function watchOnce(mail, userId, progress, onEvent, until) {
  return new Promise((resolve, reject) => {
    let done = false;
    const call = mail.watchMailbox({ user_id: userId, connection_id: '-', cursor: progress.cursor });
    const finish = (error) => {
      if (done) return;
      done = true;
      if (error && !RECONNECT.has(error.code)) reject(error);
      else resolve();
    };
    call.on('data', (event) => {
      if (done) return;
      if (event.type !== 'MAILBOX_EVENT_TYPE_HEARTBEAT' && isNew(progress, event)) onEvent(event);
      progress.cursor = event.cursor;
      if (until()) {
        finish();
        call.cancel();
      }
    });
    call.on('error', finish);
    call.on('end', () => finish());
  });
}

/**
 * Handles the user's new events until `until()` is true, reconnecting from the saved cursor
 * whenever the stream ends (the gateway ends streams after their maximum age, or a node goes away).
 */
export async function watchWithResume(mail, userId, progress, onEvent, until) {
  while (!until()) {
    await watchOnce(mail, userId, progress, onEvent, until);
  }
}
