package dev.mailgate.server.auth;

/** The request metadata keys of the Mailgate API. */
public final class Metadata {

  /** The tenant the call is for. */
  public static final String TENANT_ID = "x-tenant-id";
  /** {@code Bearer <api key>} of that tenant. */
  public static final String AUTHORIZATION = "authorization";
  /** An optional caller-chosen id, echoed in the response headers and written to the logs. */
  public static final String REQUEST_ID = "x-request-id";
  /** The web origin of the page that made the call; browsers set it, server backends do not. */
  public static final String ORIGIN = "origin";

  private Metadata() {}
}
