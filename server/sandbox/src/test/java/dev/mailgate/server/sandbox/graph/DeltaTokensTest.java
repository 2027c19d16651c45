package dev.mailgate.server.sandbox.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.sandbox.graph.DeltaTokens.Scope;
import dev.mailgate.server.sandbox.graph.DeltaTokens.State;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The delta sync-state cache is each mailbox folder's: many mailboxes' rounds do not push out an
 * idle mailbox's link (what made a gateway watching 2,500 Outlook mailboxes lose their mail: every
 * idle mailbox's link answered 410 and its watch restarted at now), while one folder keeps only its
 * newest states and the superseded ones of all folders stay bounded.
 */
class DeltaTokensTest {

  private final DeltaTokens tokens = new DeltaTokens(Clock.systemUTC());

  private String round(String mailbox, String folder) {
    return tokens.put(new State(new Scope(mailbox, folder, null, false, null), Map.of(), List.of(), tokens.now()));
  }

  @Test
  void anIdleMailboxesLinkOutlivesTheRoundsOfThousandsOfOthers() {
    String idle = round("idle@example.com", "inbox");
    for (int i = 0; i < 3_000; i++) {
      for (String folder : List.of("inbox", "archive", "deleteditems", "sentitems", "junkemail")) {
        round("busy" + i + "@example.com", folder);
        round("busy" + i + "@example.com", folder);
      }
    }

    assertThat(tokens.get(idle, "idle@example.com", "inbox")).isPresent();
  }

  @Test
  void aFolderKeepsItsNewestStatesAndForgetsOlderOnes() {
    String first = round("ada@example.com", "inbox");
    String other = round("ada@example.com", "archive");
    String newest = first;
    for (int i = 0; i < DeltaTokens.PER_FOLDER; i++) {
      newest = round("ada@example.com", "inbox");
    }

    assertThat(tokens.get(first, "ada@example.com", "inbox")).isEmpty();
    assertThat(tokens.get(newest, "ada@example.com", "inbox")).isPresent();
    assertThat(tokens.get(other, "ada@example.com", "archive")).isPresent();
  }

  @Test
  void supersededStatesOfAllFoldersStayBounded() {
    for (int i = 0; i < DeltaTokens.SUPERSEDED_CAPACITY / 2 + 10; i++) {
      round("m" + i + "@example.com", "inbox");
      round("m" + i + "@example.com", "inbox");
      round("m" + i + "@example.com", "inbox");
    }
    int folders = DeltaTokens.SUPERSEDED_CAPACITY / 2 + 10;

    assertThat(tokens.size()).isEqualTo(folders + DeltaTokens.SUPERSEDED_CAPACITY);
  }
}
