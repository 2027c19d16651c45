package dev.mailgate.server.provider.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import org.junit.jupiter.api.Test;

/**
 * What the Gmail client does with an id in a path (no request is made): it percent-encodes
 * {@code /}, {@code ?}, {@code #} and {@code %} within the segment but leaves dot segments, which
 * is why {@link GmailIds} admits only the characters Gmail's ids are made of.
 */
class GmailClientPathTest {

  private final Gmail gmail = new Gmail.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> { })
      .setRootUrl("http://127.0.0.1:1/").setApplicationName("test").build();

  private String path(String id) throws Exception {
    return gmail.users().messages().get("me", id).buildHttpRequestUrl().getRawPath();
  }

  @Test
  void reservedCharactersStayInsideTheSegment() throws Exception {
    assertThat(path("a/b")).isEqualTo("/gmail/v1/users/me/messages/a%2Fb");
    assertThat(path("a?$select=x")).startsWith("/gmail/v1/users/me/messages/a%3F");
    assertThat(path("a#b")).isEqualTo("/gmail/v1/users/me/messages/a%23b");
    assertThat(path("%2e%2e")).isEqualTo("/gmail/v1/users/me/messages/%252e%252e");
  }

  @Test
  void dotSegmentsAreLeftAsTheyAre() throws Exception {
    assertThat(path("..")).isEqualTo("/gmail/v1/users/me/messages/..");
  }

  @Test
  void onlyGmailShapedIdsPass() {
    assertThat(GmailIds.checked("18c2f3a9b0d1e2f3")).isEqualTo("18c2f3a9b0d1e2f3");
    assertThat(GmailIds.checked("r-1234567890")).isEqualTo("r-1234567890");
    for (String hostile : new String[] {"..", ".", "a/b", "a?b", "a#b", "%2e", "", "a b"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> GmailIds.checked(hostile))
          .isInstanceOf(dev.mailgate.server.error.GatewayException.class);
    }
  }
}
