package dev.mailgate.server.provider.imap;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.BodyTerm;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.NotTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.ReceivedDateTerm;
import jakarta.mail.search.RecipientStringTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SubjectTerm;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Gmail-style query (and label filter) as an IMAP SEARCH in one folder. Understood:
 * {@code from: to: cc: bcc: subject: rfc822msgid:}, {@code is:unread|read|starred|unstarred},
 * {@code has:attachment}, {@code after:|before:} (YYYY/MM/DD; IMAP SINCE/BEFORE on the day, in
 * the gateway's time zone), {@code in:inbox|sent|draft|trash|spam|archive} and {@code label:X}
 * (the folder to search; INBOX by default), quoted values, {@code -} to negate a search term, and
 * free words or phrases (matched against BODY, SUBJECT or FROM). Anything else is
 * INVALID_ARGUMENT naming the term. {@code has:attachment} is not an IMAP search key: the
 * provider checks the BODYSTRUCTURE of the candidates the rest of the query found.
 */
record ImapQuery(Optional<FolderChoice> folder, Optional<SearchTerm> term, boolean hasAttachment) {

  /** The folder to search: one with a role, or the folder a label names; {@code field} is where it came from. */
  record FolderChoice(Role role, String label, String field) {

    static FolderChoice of(Role role, String field) {
      return new FolderChoice(role, null, field);
    }

    static FolderChoice ofLabel(String label, String field) {
      return Role.ofLabel(label).map(role -> of(role, field)).orElse(new FolderChoice(null, label, field));
    }
  }

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu/M/d");

  static ImapQuery parse(String query, List<String> labelIds) {
    List<SearchTerm> terms = new ArrayList<>();
    List<FolderChoice> folders = new ArrayList<>();
    boolean hasAttachment = false;
    for (String label : labelIds) {
      switch (label) {
        case "UNREAD" -> terms.add(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
        case "STARRED" -> terms.add(new FlagTerm(new Flags(Flags.Flag.FLAGGED), true));
        default -> folders.add(FolderChoice.ofLabel(label, "label_ids"));
      }
    }
    for (String raw : tokens(query == null ? "" : query)) {
      Token token = Token.of(raw);
      switch (token.key) {
        case "has" -> {
          if (token.negated || !token.value.equalsIgnoreCase("attachment")) {
            throw unsupported(raw);
          }
          hasAttachment = true;
        }
        case "in", "label" -> {
          if (token.negated) {
            throw unsupported(raw);
          }
          folders.add(folderOf(token, raw));
        }
        default -> {
          SearchTerm term = termOf(token, raw);
          terms.add(token.negated ? new NotTerm(term) : term);
        }
      }
    }
    if (folders.stream().map(f -> f.role() == null ? "label " + f.label() : f.role().name()).distinct().count() > 1) {
      throw GatewayException.invalid(List.of(new FieldViolation(folders.get(0).field(),
          "an IMAP mailbox is searched one folder at a time; name at most one folder (in:, label: or label_ids)")));
    }
    Optional<SearchTerm> term = terms.isEmpty() ? Optional.empty()
        : Optional.of(terms.size() == 1 ? terms.get(0) : new AndTerm(terms.toArray(new SearchTerm[0])));
    return new ImapQuery(folders.stream().findFirst(), term, hasAttachment);
  }

  private static SearchTerm termOf(Token token, String raw) {
    if (token.value.isEmpty()) {
      throw GatewayException.invalid(List.of(new FieldViolation("query", token.key + ": needs a value")));
    }
    return switch (token.key) {
      case "" -> {
        if (!token.quoted && (token.value.equals("OR") || token.value.equals("AROUND")
            || token.value.startsWith("(") || token.value.startsWith("{"))) {
          throw unsupported(raw);
        }
        yield new OrTerm(new SearchTerm[] {new BodyTerm(token.value), new SubjectTerm(token.value),
            new FromStringTerm(token.value)});
      }
      case "from" -> new FromStringTerm(token.value);
      case "to" -> new RecipientStringTerm(Message.RecipientType.TO, token.value);
      case "cc" -> new RecipientStringTerm(Message.RecipientType.CC, token.value);
      case "bcc" -> new RecipientStringTerm(Message.RecipientType.BCC, token.value);
      case "subject" -> new SubjectTerm(token.value);
      case "rfc822msgid" -> new HeaderTerm("Message-ID", token.value);
      case "is" -> switch (token.value.toLowerCase(Locale.ROOT)) {
        case "unread" -> new FlagTerm(new Flags(Flags.Flag.SEEN), false);
        case "read" -> new FlagTerm(new Flags(Flags.Flag.SEEN), true);
        case "starred" -> new FlagTerm(new Flags(Flags.Flag.FLAGGED), true);
        case "unstarred" -> new FlagTerm(new Flags(Flags.Flag.FLAGGED), false);
        default -> throw unsupported(raw);
      };
      case "after", "newer" -> new ReceivedDateTerm(ComparisonTerm.GE, day(token));
      case "before", "older" -> new ReceivedDateTerm(ComparisonTerm.LT, day(token));
      default -> throw unsupported(raw);
    };
  }

  private static FolderChoice folderOf(Token token, String raw) {
    if (token.key.equals("label")) {
      return Role.ofLabel(token.value.toUpperCase(Locale.ROOT)).map(role -> FolderChoice.of(role, "query"))
          .orElse(FolderChoice.ofLabel(token.value, "query"));
    }
    return switch (token.value.toLowerCase(Locale.ROOT)) {
      case "inbox" -> FolderChoice.of(Role.INBOX, "query");
      case "sent" -> FolderChoice.of(Role.SENT, "query");
      case "draft", "drafts" -> FolderChoice.of(Role.DRAFT, "query");
      case "trash" -> FolderChoice.of(Role.TRASH, "query");
      case "spam", "junk" -> FolderChoice.of(Role.SPAM, "query");
      case "archive" -> FolderChoice.of(Role.ARCHIVE, "query");
      default -> throw unsupported(raw);
    };
  }

  private static Date day(Token token) {
    try {
      LocalDate date = LocalDate.parse(token.value.replace('-', '/'), DAY);
      return Date.from(date.atStartOfDay(ZoneId.systemDefault()).toInstant());
    } catch (DateTimeParseException e) {
      throw GatewayException.invalid(List.of(new FieldViolation("query",
          token.key + ": needs a date as YYYY/MM/DD, not " + token.value)));
    }
  }

  private static GatewayException unsupported(String raw) {
    return GatewayException.invalid(List.of(new FieldViolation("query", "unsupported term " + raw)));
  }

  /** Splits on white space outside double quotes; quotes stay in the tokens. */
  static List<String> tokens(String query) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : query.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (Character.isWhitespace(c) && !quoted) {
        if (!current.isEmpty()) {
          tokens.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (!current.isEmpty()) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  /** One query term: {@code [-]key:value}, or a free word or phrase (empty key). */
  private record Token(boolean negated, String key, String value, boolean quoted) {

    static Token of(String raw) {
      boolean negated = raw.length() > 1 && raw.charAt(0) == '-';
      String text = negated ? raw.substring(1) : raw;
      int colon = text.indexOf(':');
      int quote = text.indexOf('"');
      String key = "";
      String value = text;
      if (colon > 0 && (quote < 0 || colon < quote) && text.substring(0, colon).matches("[A-Za-z0-9_]+")) {
        key = text.substring(0, colon).toLowerCase(Locale.ROOT);
        value = text.substring(colon + 1);
      }
      return new Token(negated, key, value.replace("\"", ""), value.contains("\""));
    }
  }
}
