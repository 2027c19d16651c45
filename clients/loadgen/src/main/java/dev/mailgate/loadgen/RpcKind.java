package dev.mailgate.loadgen;

/** Which gateway RPC {@code run --rpc} puts load on. */
public enum RpcKind {
  /** ConnectionService/ListConnections of the user (targets gateway, direct, grpc-java). */
  LIST_CONNECTIONS("list-connections"),
  /** MailService/SearchMessages in the user's Gmail connection (targets gateway, gmail-direct). */
  SEARCH("search");

  private final String label;

  RpcKind(String label) {
    this.label = label;
  }

  public static RpcKind parse(String text) {
    for (RpcKind kind : values()) {
      if (kind.label.equalsIgnoreCase(text.trim())) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown RPC '" + text + "'; expected list-connections or search");
  }

  @Override
  public String toString() {
    return label;
  }
}
