package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.gmail.model.Profile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading a mailbox through the real Gmail client: profile, list, get in every format, attachments. */
class MessagesApiTest {

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static final byte[] PDF = "%PDF-1.4 not really a pdf \u0000\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);

  private static byte[] richMail(String to) {
    return mail().from("Grace Hopper <grace@example.org>").to(to).subject("Quarterly report")
        .text("Numbers attached, see you Monday.").html("<p>Numbers <b>attached</b>, see you Monday.</p>")
        .attach("report.pdf", PDF).bytes();
  }

  @Test
  void profileNamesTheCallersMailboxWithItsTotalsAndHistoryId() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    server.sandbox.deliver(ada, mail().from("grace@example.org").to(ada).subject("hi").text("hello").bytes(),
        List.of("INBOX", "UNREAD"));

    Profile profile = server.gmail(ada).users().getProfile("me").execute();

    assertThat(profile.getEmailAddress()).isEqualTo(ada);
    assertThat(profile.getMessagesTotal()).isEqualTo(1);
    assertThat(profile.getThreadsTotal()).isEqualTo(1);
    assertThat(profile.getHistoryId()).isPositive();
  }

  @Test
  void deliveredMessagesAreListedNewestFirstWithIdAndThreadId() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String older = server.sandbox.deliver(ada, mail().from("a@example.org").to(ada).subject("older")
        .date(Instant.parse("2024-01-01T10:00:00Z")).bytes(), List.of("INBOX"));
    String newer = server.sandbox.deliver(ada, mail().from("b@example.org").to(ada).subject("newer")
        .date(Instant.parse("2024-02-01T10:00:00Z")).bytes(), List.of("INBOX"));

    ListMessagesResponse list = server.gmail(ada).users().messages().list("me").execute();

    assertThat(list.getMessages()).extracting(Message::getId).containsExactly(newer, older);
    assertThat(list.getMessages()).extracting(Message::getThreadId).containsExactly(newer, older);
    assertThat(list.getResultSizeEstimate()).isEqualTo(2);
    assertThat(list.getNextPageToken()).isNull();
    assertThat(newer).matches("[0-9a-f]{16}");
  }

  @Test
  void fullFormatHasHeadersTextAndHtmlPartsAndAnAttachmentId() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, richMail(ada), List.of("INBOX", "UNREAD"));

    Message message = server.gmail(ada).users().messages().get("me", id).execute();

    assertThat(message.getLabelIds()).containsExactly("INBOX", "UNREAD");
    assertThat(message.getSnippet()).isEqualTo("Numbers attached, see you Monday.");
    assertThat(message.getInternalDate()).isPositive();
    assertThat(message.getSizeEstimate()).isEqualTo(server.sandbox.raw(ada, id).length);
    MessagePart payload = message.getPayload();
    assertThat(payload.getPartId()).isEmpty();
    assertThat(payload.getMimeType()).isEqualTo("multipart/mixed");
    assertThat(header(payload, "Subject")).isEqualTo("Quarterly report");
    assertThat(header(payload, "From")).isEqualTo("Grace Hopper <grace@example.org>");
    MessagePart alternative = payload.getParts().get(0);
    assertThat(alternative.getPartId()).isEqualTo("0");
    assertThat(alternative.getParts()).extracting(MessagePart::getMimeType).containsExactly("text/plain", "text/html");
    MessagePart html = alternative.getParts().get(1);
    assertThat(html.getPartId()).isEqualTo("0.1");
    assertThat(new String(html.getBody().decodeData(), StandardCharsets.UTF_8))
        .isEqualTo("<p>Numbers <b>attached</b>, see you Monday.</p>");
    MessagePart pdf = payload.getParts().get(1);
    assertThat(pdf.getFilename()).isEqualTo("report.pdf");
    assertThat(pdf.getBody().getData()).isNull();
    assertThat(pdf.getBody().getAttachmentId()).isNotBlank();
    assertThat(pdf.getBody().getSize()).isEqualTo(PDF.length);
  }

  @Test
  void metadataFormatKeepsOnlyTheAskedHeadersAndMinimalHasNoPayload() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, richMail(ada), List.of("INBOX"));
    Gmail gmail = server.gmail(ada);

    Message metadata = gmail.users().messages().get("me", id).setFormat("metadata")
        .setMetadataHeaders(List.of("subject", "From")).execute();
    Message minimal = gmail.users().messages().get("me", id).setFormat("minimal").execute();

    assertThat(metadata.getPayload().getHeaders()).extracting(MessagePartHeader::getName)
        .containsExactly("From", "Subject");
    assertThat(metadata.getPayload().getParts()).isNull();
    assertThat(minimal.getPayload()).isNull();
    assertThat(minimal.getRaw()).isNull();
    assertThat(minimal.getLabelIds()).containsExactly("INBOX");
    assertThat(minimal.getSnippet()).isNotEmpty();
  }

  @Test
  void rawFormatRoundTripsTheDeliveredBytes() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    byte[] bytes = richMail(ada);
    String id = server.sandbox.deliver(ada, bytes, List.of("INBOX"));

    Message raw = server.gmail(ada).users().messages().get("me", id).setFormat("raw").execute();

    assertThat(raw.decodeRaw()).isEqualTo(bytes);
    assertThat(Base64.getUrlDecoder().decode(raw.getRaw())).isEqualTo(bytes);
    assertThat(raw.getPayload()).isNull();
  }

  @Test
  void attachmentsGetReturnsTheAttachmentBytes() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, richMail(ada), List.of("INBOX"));
    Gmail gmail = server.gmail(ada);
    String attachmentId = gmail.users().messages().get("me", id).execute().getPayload().getParts().get(1)
        .getBody().getAttachmentId();

    var attachment = gmail.users().messages().attachments().get("me", id, attachmentId).execute();

    assertThat(attachment.decodeData()).isEqualTo(PDF);
    assertThat(attachment.getSize()).isEqualTo(PDF.length);
  }

  @Test
  void pagingFollowsNextPageTokenToTheLastPage() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    List<String> delivered = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      delivered.add(0, server.sandbox.deliver(ada, mail().from("a@example.org").to(ada).subject("n" + i)
          .date(Instant.parse("2024-01-01T10:00:00Z").plusSeconds(i)).bytes(), List.of("INBOX")));
    }
    Gmail gmail = server.gmail(ada);

    List<String> seen = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    String token = null;
    do {
      ListMessagesResponse page = gmail.users().messages().list("me").setMaxResults(3L).setPageToken(token).execute();
      page.getMessages().forEach(m -> seen.add(m.getId()));
      assertThat(page.getResultSizeEstimate()).isEqualTo(7);
      token = page.getNextPageToken();
      tokens.add(String.valueOf(token));
    } while (token != null);

    assertThat(seen).containsExactlyElementsOf(delivered);
    assertThat(tokens).hasSize(3).last().isEqualTo("null");
  }

  private static String header(MessagePart part, String name) {
    return part.getHeaders().stream().filter(h -> h.getName().equalsIgnoreCase(name)).map(MessagePartHeader::getValue)
        .findFirst().orElse(null);
  }
}
