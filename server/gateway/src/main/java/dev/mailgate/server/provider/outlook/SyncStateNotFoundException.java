package dev.mailgate.server.provider.outlook;

/**
 * Graph no longer has the sync state a delta link points into (410 Gone, syncStateNotFound): the
 * change feed starts that folder again from now and reports the history as lost.
 */
final class SyncStateNotFoundException extends RuntimeException {

  SyncStateNotFoundException() {
    super("Microsoft Graph no longer has this delta sync state", null, false, false);
  }
}
