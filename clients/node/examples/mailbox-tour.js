// One mailbox tour that runs unchanged on any connection, whatever its provider: search, read a
// message with an attachment, reply in its thread (idempotently), label it, trash and untrash it.
// Returns a provider-neutral summary, so the results of Gmail, Outlook and IMAP can be compared.
//
//   node examples/mailbox-tour.js <user_id> <connection_id>     (MAILGATE_ADDRESS / _TENANT / _API_KEY as in example.js)

import { randomUUID } from 'node:crypto';
import { createClients } from '../lib/mailgate.js';

export async function tour(mg, userId, connectionId) {
  const base = { user_id: userId, connection_id: connectionId };
  const { messages } = await mg.mail.searchMessages({ ...base, query: 'subject:"Quarterly report"' });
  if (messages.length !== 1) throw new Error(`expected one "Quarterly report", found ${messages.length}`);
  const [report] = messages;

  const full = await mg.mail.getMessage({ ...base, message_id: report.message_id, view: 'MESSAGE_VIEW_FULL' });
  const attachment = await mg.mail.getAttachment({
    ...base, message_id: report.message_id, attachment_id: full.attachments[0].attachment_id,
  });

  const reply = {
    ...base,
    request_id: `tour-${randomUUID()}`,
    content: { to: [{ address: report.from.address }], text_body: 'Reviewed, thanks.', reply_to_message_id: report.message_id },
  };
  const sent = await mg.mail.sendMessage(reply);
  const again = await mg.mail.sendMessage(reply);
  // Outlook files a sent message in Sent Items a moment after accepting it (as Graph does), so the
  // reply may join the thread a little later: look again for up to ten seconds.
  const hasReply = (t) => t.messages.some((m) => m.summary.subject.toLowerCase() === 're: quarterly report');
  let thread = await mg.mail.getThread({ ...base, thread_id: report.thread_id });
  for (let i = 0; i < 40 && !hasReply(thread); i++) {
    await new Promise((r) => setTimeout(r, 250));
    thread = await mg.mail.getThread({ ...base, thread_id: report.thread_id });
  }

  const read = await mg.mail.modifyMessage({
    ...base, message_id: report.message_id, remove_label_ids: ['UNREAD'], add_label_ids: ['STARRED'],
  });
  const trashed = await mg.mail.trashMessage({ ...base, message_id: report.message_id });
  const restored = await mg.mail.untrashMessage({ ...base, message_id: trashed.message_id });

  return {
    subject: report.subject,
    from: report.from.address,
    hasAttachments: report.has_attachments,
    text: full.text_body.trim(),
    attachment: { filename: attachment.filename, startsWithPdf: Buffer.from(attachment.data).toString('latin1').startsWith('%PDF') },
    replyJoinsThread: sent.thread_id === report.thread_id,
    retrySendsNothingNew: again.message_id === sent.message_id,
    threadHasReply: hasReply(thread),
    starredAndRead: read.label_ids.includes('STARRED') && !read.label_ids.includes('UNREAD'),
    trashed: trashed.label_ids.includes('TRASH'),
    restored: !restored.label_ids.includes('TRASH'),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [userId, connectionId] = process.argv.slice(2);
  const mg = createClients({
    address: process.env.MAILGATE_ADDRESS ?? '127.0.0.1:8080',
    tenantId: process.env.MAILGATE_TENANT ?? 'acme',
    apiKey: process.env.MAILGATE_API_KEY ?? 'mgk_dev_acme_5f2c9a7e41d8',
  });
  try {
    console.log(JSON.stringify(await tour(mg, userId, connectionId), null, 2));
  } finally {
    mg.close();
  }
}
