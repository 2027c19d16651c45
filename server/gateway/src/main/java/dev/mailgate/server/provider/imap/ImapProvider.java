package dev.mailgate.server.provider.imap;

import dev.mailgate.server.tracing.ProviderCalls;
import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.egress.EgressGuard;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.mail.ThreadDetail;
import dev.mailgate.server.provider.imap.ImapConnection.Located;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import dev.mailgate.server.provider.imap.ImapQuery.FolderChoice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeUtility;
import dev.mailgate.tenant.config.EgressConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

/**
 * Any IMAP/SMTP mailbox through Jakarta Mail, on a bounded worker pool named "mailgate-imap".
 * The mailbox's settings are an {@link ImapSettings} map and its credential is the password.
 *
 * <p>Identifiers: a message id encodes folder, UIDVALIDITY, UID and Message-ID (see
 * {@link ImapIds}); it keeps working after the message moves (archive, trash) because a message
 * not found by UID is looked up by its Message-ID in the mailbox's role folders. Labels are
 * folders and two flags (see {@link ImapFolders} and {@link ImapLabeling}). Search translates the
 * Gmail-style query to IMAP SEARCH in one folder (see {@link ImapQuery}), newest (highest UID)
 * first.
 *
 * <p>Sending: MIME from {@code MimeComposer} (From = the mailbox address, the caller's
 * Message-ID, reply threading from the replied-to message's Message-ID and References) goes out
 * by SMTP, then a seen copy is appended to Sent unless the server filed one. Drafts live in
 * Drafts flagged {@code \Draft}; a draft id is the draft's Message-ID, kept by updates (append
 * the new version, expunge the old), so it is stable like Gmail's (see {@link ImapSending}).
 *
 * <p>Threads: IMAP has no server-side threads, so a message's thread id is its root Message-ID
 * (the first id of References, else In-Reply-To, else its own Message-ID), base64url-encoded.
 * {@link #getThread} searches INBOX, Archive and Sent for messages whose Message-ID, In-Reply-To
 * or References contain that root, keeps one copy per Message-ID and returns them oldest first
 * (by arrival, then by depth in References), at most {@value #THREAD_LIMIT}.
 *
 * <p>Connections: one logged-in store per mailbox is pooled, closed after the idle timeout and
 * reopened on demand; a pooled connection found dropped is reopened once. Failures: a refused
 * login is {@code ProviderUnauthorizedException}; unreachable servers and TLS failures are
 * PROVIDER_UNAVAILABLE; unknown ids are MESSAGE_NOT_FOUND. Passwords never reach a message or log.
 */
public final class ImapProvider implements MailProvider {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImapProvider.class);

  static final int THREAD_LIMIT = 100;

  private final Vertx vertx;
  private final EgressPolicy egress;
  private final ImapConnections connections;
  private final ImapCalls calls;
  private final ImapSending sending;
  private final ImapLabeling labeling;
  private final ImapThreads threads;
  private final long sweepTimer;

  /** Mailboxes that keep a logged-in store at most (each also opens up to 3 folder connections). */
  public static final int MAX_POOLED_STORES = 1_000;

  /** IMAP/SMTP with the default queue bound and timeouts (provider tests). */
  public ImapProvider(Vertx vertx, int workerThreads, Duration idleTimeout, EgressPolicy egress) {
    this(vertx, workerThreads, MemoryBounds.DEFAULT.providerQueue(), MAX_POOLED_STORES, idleTimeout,
        OutboundTimeouts.DEFAULT, egress);
  }

  /**
   * IMAP/SMTP on a pool of {@code workerThreads} with room for {@code queue} waiting calls, at most
   * {@code maxPooled} mailboxes' stores pooled and each closed after {@code idleTimeout} unused,
   * every connection within {@code timeouts} and only to the hosts {@code egress} allows, checked at
   * every connect.
   */
  public ImapProvider(Vertx vertx, int workerThreads, int queue, int maxPooled, Duration idleTimeout,
      OutboundTimeouts timeouts, EgressPolicy egress) {
    this.vertx = vertx;
    this.egress = egress;
    this.connections = new ImapConnections(idleTimeout, timeouts, maxPooled);
    this.calls = new ImapCalls(vertx, workerThreads, queue, connections, timeouts, egress);
    this.sending = new ImapSending(calls);
    this.labeling = new ImapLabeling(calls);
    this.threads = new ImapThreads(THREAD_LIMIT);
    long period = Math.max(50, Math.min(idleTimeout.toMillis() / 2, 30_000));
    this.sweepTimer = vertx.setPeriodic(period, id -> calls.blocking("the IMAP server", connections::closeIdle));
  }

  /**
   * Checks that the password opens both the IMAP mailbox and the SMTP server (log in, log out).
   * A refused login fails with {@code ProviderUnauthorizedException}; an unreachable server or a
   * failed TLS handshake with PROVIDER_UNAVAILABLE naming the server, never the password.
   */
  public Future<Void> verifyLogin(ImapSettings settings, String emailAddress, String password, EgressConfig tenantEgress) {
    String login = settings.login(emailAddress);
    EgressGuard guard = egress.forTenant(tenantEgress);
    return ProviderCalls.traced("imap", "verifyLogin",
        () -> calls.blocking("the IMAP server " + settings.imapHost() + ":" + settings.imapPort(), () -> {
          connections.connect(settings, login, password, guard).close();
          return null;
        }).compose(imapOk -> calls.blocking("the SMTP server " + settings.smtpHost() + ":" + settings.smtpPort(), () -> {
          SmtpSubmission.verify(settings, calls.timeouts(), login, password, guard);
          return null;
        })));
  }

  /**
   * Resolves the IMAP and SMTP hosts and checks every address against the egress policy, before
   * any connection: INVALID_ARGUMENT naming {@code imap_host} and/or {@code smtp_host} when a host
   * has no address or one the policy refuses (one answer for both, so the check does not tell
   * which internal names exist). The check is made again at every connect.
   */
  public Future<Void> checkHosts(ImapSettings settings, EgressConfig tenantEgress) {
    EgressGuard guard = egress.forTenant(tenantEgress);
    return calls.blocking("the name server", () -> {
      List<FieldViolation> refused = new ArrayList<>();
      refusal(guard, ImapSettings.IMAP_HOST, settings.imapHost()).ifPresent(refused::add);
      refusal(guard, ImapSettings.SMTP_HOST, settings.smtpHost()).ifPresent(refused::add);
      if (!refused.isEmpty()) {
        throw GatewayException.invalid(refused);
      }
      return null;
    });
  }

  private static Optional<FieldViolation> refusal(EgressGuard guard, String field, String host) {
    try {
      guard.resolve(host);
      return Optional.empty();
    } catch (IOException refusedOrUnknown) {
      log.info("CreateImapConnection: {} refused: {}", field, refusedOrUnknown.getClass().getSimpleName());
      return Optional.of(new FieldViolation(field,
          "must be a mail server on the public internet (or in a block the tenant allows); this host is not one"));
    }
  }

  @Override
  public Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds, int pageSize,
      Optional<String> pageToken) {
    ImapQuery parsed;
    try {
      parsed = ImapQuery.parse(query, labelIds);
    } catch (GatewayException invalid) {
      return Future.failedFuture(invalid);
    }
    return calls.imap(mailbox, c -> {
      Optional<String> folderName = folderOf(c, parsed.folder().orElse(FolderChoice.of(Role.INBOX, "query")));
      if (folderName.isEmpty()) {
        return new Page<>(List.<MessageSummary>of(), Optional.<String>empty());
      }
      IMAPFolder folder = c.open(folderName.get(), Folder.READ_ONLY);
      try {
        ImapListing.Slice slice = ImapListing.page(folder, parsed.term(), parsed.hasAttachment(), pageSize, pageToken);
        ImapFolders folders = c.folders();
        List<MessageSummary> summaries = new ArrayList<>();
        for (IMAPMessage message : slice.messages()) {
          summaries.add(ImapMessages.summary(folders, folder, message, true));
        }
        return new Page<>(summaries, slice.nextPageToken());
      } finally {
        ImapConnection.closeQuietly(folder);
      }
    });
  }

  /** The folder to search; empty for a role folder the mailbox does not have (Spam, Archive). */
  private static Optional<String> folderOf(ImapConnection c, FolderChoice choice) throws MessagingException {
    if (choice.role() != null) {
      return c.folders().folder(choice.role());
    }
    return Optional.of(c.folderOfLabel(choice.label()).orElseThrow(() -> GatewayException.invalid(List.of(
        new FieldViolation(choice.field(), "unknown label " + choice.label())))));
  }

  @Override
  public Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view) {
    return parsed(messageId).compose(ref -> calls.imap(mailbox, c -> {
      try (Located located = c.locate(ref, Folder.READ_ONLY)) {
        return ImapMessages.detail(c.folders(), located.folder(), located.message(), view);
      }
    }));
  }

  @Override
  public Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId) {
    return parsed(messageId).compose(ref -> calls.imap(mailbox, c -> {
      try (Located located = c.locate(ref, Folder.READ_ONLY)) {
        boolean listed = MimeReader.structure(located.message(), false).attachments().stream()
            .anyMatch(a -> a.attachmentId().equals(attachmentId));
        Part part = listed ? MimeReader.partAt(located.message(), attachmentId).orElse(null) : null;
        if (part == null) {
          throw new GatewayException(Reason.MESSAGE_NOT_FOUND, "the attachment was not found");
        }
        try (InputStream in = part.getInputStream()) {
          String filename = part.getFileName() == null ? "" : MimeUtility.decodeText(part.getFileName());
          return new AttachmentData(attachmentId, filename, part.getContentType().split(";")[0].trim().toLowerCase(),
              in.readAllBytes());
        }
      }
    }));
  }

  @Override
  public Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId) {
    ImapIds.ThreadRef ref;
    try {
      ref = ImapIds.parseThread(threadId);
    } catch (GatewayException notFound) {
      return Future.failedFuture(notFound);
    }
    if (!ref.singleMessageId().isEmpty()) {
      return getMessage(mailbox, ref.singleMessageId(), MessageView.FULL)
          .map(message -> new ThreadDetail(threadId, List.of(message)));
    }
    return calls.imap(mailbox, c -> new ThreadDetail(threadId, threads.messages(c, ref.rootMessageId())));
  }

  @Override
  public Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader,
      dev.mailgate.server.mail.SendClaim claim) {
    return sending.send(mailbox, message, messageIdHeader, claim);
  }

  @Override
  public Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader,
      dev.mailgate.server.mail.SendClaim claim) {
    return sending.findSent(mailbox, messageIdHeader);
  }

  @Override
  public Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    return sending.createDraft(mailbox, message);
  }

  @Override
  public Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    return guarded(() -> sending.getDraft(mailbox, draftId));
  }

  @Override
  public Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    return sending.listDrafts(mailbox, pageSize, pageToken);
  }

  @Override
  public Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    return guarded(() -> sending.updateDraft(mailbox, draftId, message));
  }

  @Override
  public Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    return guarded(() -> sending.deleteDraft(mailbox, draftId));
  }

  @Override
  public Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, dev.mailgate.server.mail.SendClaim claim) {
    return guarded(() -> sending.sendDraft(mailbox, draftId, claim));
  }

  @Override
  public Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return labeling.listLabels(mailbox);
  }

  @Override
  public Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    return guarded(() -> labeling.modify(mailbox, messageId, addLabelIds, removeLabelIds));
  }

  @Override
  public Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return guarded(() -> labeling.trash(mailbox, messageId));
  }

  @Override
  public Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return guarded(() -> labeling.untrash(mailbox, messageId));
  }

  /** How many mailboxes have a pooled IMAP connection open. */
  int pooledConnections() {
    return connections.size();
  }

  /** The egress guard this provider's connections of {@code mailbox} go through (tests). */
  EgressGuard guard(MailboxCredential mailbox) {
    return calls.guard(mailbox);
  }

  ImapConnections connections() {
    return connections;
  }

  /** The bounded worker pool and error translation every IMAP call of this provider goes through. */
  ImapCalls calls() {
    return calls;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Stops the idle sweep, logs out of every pooled connection and closes the worker pool. */
  public Future<Void> close() {
    vertx.cancelTimer(sweepTimer);
    return calls.blocking("the IMAP server", () -> {
      connections.closeAll();
      return null;
    }).compose(closed -> calls.close());
  }

  private static Future<ImapIds.MessageRef> parsed(String messageId) {
    try {
      return Future.succeededFuture(ImapIds.parseMessage(messageId));
    } catch (GatewayException notFound) {
      return Future.failedFuture(notFound);
    }
  }

  /** Turns an id rejected before any I/O into a failed future. */
  private static <T> Future<T> guarded(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (GatewayException rejected) {
      return Future.failedFuture(rejected);
    }
  }
}
