package dev.mailgate.server.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.NotTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.SubjectTerm;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapQueryTest {

  @Test
  void quotedValuesStayOneTerm() {
    ImapQuery query = ImapQuery.parse("subject:\"quarterly report\" from:ada", List.of());

    assertThat(query.term()).get().isInstanceOf(AndTerm.class);
    AndTerm and = (AndTerm) query.term().get();
    assertThat(((SubjectTerm) and.getTerms()[0]).getPattern()).isEqualTo("quarterly report");
    assertThat(((FromStringTerm) and.getTerms()[1]).getPattern()).isEqualTo("ada");
    assertThat(query.folder()).isEmpty();
  }

  @Test
  void freeWordsMatchBodySubjectOrSenderAndMinusNegates() {
    ImapQuery query = ImapQuery.parse("-lunch", List.of());

    assertThat(query.term()).get().isInstanceOf(NotTerm.class);
    assertThat(((NotTerm) query.term().get()).getTerm()).isInstanceOf(OrTerm.class);
  }

  @Test
  void inAndLabelChooseTheFolder() {
    assertThat(ImapQuery.parse("in:sent", List.of()).folder()).get().extracting(ImapQuery.FolderChoice::role)
        .isEqualTo(Role.SENT);
    assertThat(ImapQuery.parse("label:Projects/2024", List.of()).folder()).get()
        .extracting(ImapQuery.FolderChoice::label).isEqualTo("Projects/2024");
    assertThat(ImapQuery.parse("", List.of("TRASH", "UNREAD")).folder()).get()
        .extracting(ImapQuery.FolderChoice::role).isEqualTo(Role.TRASH);
  }

  @Test
  void hasAttachmentIsAFilterNotASearchKey() {
    ImapQuery query = ImapQuery.parse("has:attachment", List.of());

    assertThat(query.hasAttachment()).isTrue();
    assertThat(query.term()).isEmpty();
  }

  @Test
  void unsupportedTermIsInvalidArgumentNamingTheTerm() {
    GatewayException failure = catchThrowableOfType(GatewayException.class,
        () -> ImapQuery.parse("from:ada larger:10M", List.of()));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    assertThat(failure.violations()).containsExactly(new FieldViolation("query", "unsupported term larger:10M"));
  }

  @Test
  void orOperatorAndUnknownIsValuesAreUnsupported() {
    assertThat(catchThrowableOfType(GatewayException.class, () -> ImapQuery.parse("a OR b", List.of())).violations())
        .containsExactly(new FieldViolation("query", "unsupported term OR"));
    assertThat(catchThrowableOfType(GatewayException.class, () -> ImapQuery.parse("is:important", List.of()))
        .violations()).containsExactly(new FieldViolation("query", "unsupported term is:important"));
  }

  @Test
  void malformedDateIsInvalidArgument() {
    GatewayException failure = catchThrowableOfType(GatewayException.class,
        () -> ImapQuery.parse("after:yesterday", List.of()));

    assertThat(failure.violations()).singleElement().satisfies(v -> {
      assertThat(v.field()).isEqualTo("query");
      assertThat(v.description()).contains("YYYY/MM/DD");
    });
  }

  @Test
  void twoDifferentFoldersAreInvalid() {
    GatewayException failure = catchThrowableOfType(GatewayException.class,
        () -> ImapQuery.parse("in:sent", List.of("INBOX")));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    assertThat(failure.violations()).singleElement().extracting(FieldViolation::field).isEqualTo("label_ids");
  }
}
