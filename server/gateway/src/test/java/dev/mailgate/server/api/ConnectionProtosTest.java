package dev.mailgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Provider;
import dev.mailgate.server.provider.gmail.GmailProviderModule;
import dev.mailgate.server.provider.imap.ImapProviderModule;
import dev.mailgate.server.provider.outlook.OutlookProviderModule;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ProviderKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The proto enums map to the domain's by table, both ways, with nothing left out. */
class ConnectionProtosTest {

  @Test
  void everyProtoProviderNamesOneProviderModuleKindAndBack() {
    assertThat(ConnectionProtos.kindOf(Provider.PROVIDER_GMAIL)).contains(GmailProviderModule.KIND);
    assertThat(ConnectionProtos.kindOf(Provider.PROVIDER_OUTLOOK)).contains(OutlookProviderModule.KIND);
    assertThat(ConnectionProtos.kindOf(Provider.PROVIDER_IMAP)).contains(ImapProviderModule.KIND);
    Arrays.stream(Provider.values())
        .filter(p -> p != Provider.PROVIDER_UNSPECIFIED && p != Provider.UNRECOGNIZED)
        .forEach(p -> assertThat(ConnectionProtos.providerOf(ConnectionProtos.kindOf(p).orElseThrow())).isEqualTo(p));
  }

  @Test
  void unspecifiedAndUnknownKindsMapToNothing() {
    assertThat(ConnectionProtos.kindOf(Provider.PROVIDER_UNSPECIFIED)).isEmpty();
    assertThat(ConnectionProtos.providerOf(new ProviderKind("YAHOO"))).isEqualTo(Provider.PROVIDER_UNSPECIFIED);
  }

  @Test
  void everyStatusHasAProtoStatus() {
    for (ConnectionStatus status : ConnectionStatus.values()) {
      assertThat(ConnectionProtos.statusOf(status).name()).isEqualTo("CONNECTION_STATUS_" + status.name());
    }
  }
}
