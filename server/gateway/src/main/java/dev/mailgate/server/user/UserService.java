package dev.mailgate.server.user;

import dev.mailgate.server.oauth.ProviderGrants;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.UserRecord;
import dev.mailgate.server.store.UserStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * A tenant's end users: created, read, listed in user-id order, and deleted. Deleting a user first
 * revokes every one of its connections' grants at their providers, then removes the user and its
 * rows. The API layer ({@code api.UserApi}) validates requests and maps them to these calls.
 */
public final class UserService {

  private final UserStore users;
  private final ProviderGrants grants;

  public UserService(UserStore users, ProviderGrants grants) {
    this.users = users;
    this.grants = grants;
  }

  /** Creates a user; USER_EXISTS if the tenant has one with this id. */
  public Future<UserRecord> create(Tenant tenant, String userId, String email) {
    return tenant.withDatabase(db -> users.create(db, userId, email));
  }

  /** The user; USER_NOT_FOUND if there is none. */
  public Future<UserRecord> get(Tenant tenant, String userId) {
    return tenant.withDatabase(db -> users.get(db, userId));
  }

  /** Up to {@code limit} users after {@code afterUserId} (from the first without one), in user-id order. */
  public Future<Page<UserRecord>> list(Tenant tenant, int limit, Optional<String> afterUserId) {
    return tenant.withDatabase(db -> users.list(db, limit, afterUserId));
  }

  /** Revokes every connection's grant at its provider, then deletes the user; USER_NOT_FOUND if there is none. */
  public Future<Void> delete(Tenant tenant, String userId) {
    return tenant.withDatabase(db -> users.get(db, userId)
        .compose(user -> grants.revokeAllOf(tenant, userId))
        .compose(revoked -> users.delete(db, userId)));
  }
}
