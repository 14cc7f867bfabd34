package io.tokenbroker.clients;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A registered workload and the policy its tokens obey. Built only through {@link ClientJson},
 * which validates it; an instance is always valid.
 *
 * @param clientId the OAuth client id, also the default token subject
 * @param description free text for operators
 * @param enabled a disabled client is refused as if unknown
 * @param subject the {@code sub} claim of its tokens
 * @param iamRoles IAM roles (normalized, see {@link IamPrincipal}) that authenticate as this client
 * @param publicKeys keys that authenticate its {@code private_key_jwt} assertions
 * @param scopes the scopes it may request
 * @param defaultScopes what it gets when it asks for none (a subset of {@code scopes})
 * @param audiences the audiences (resource identifiers) its tokens may name
 * @param defaultLifetime lifetime of its tokens when it asks for none
 * @param maxLifetime the longest lifetime it may ask for
 * @param refresh whether it gets refresh tokens, and their lifetimes
 * @param mayIntrospect whether it may call the introspection endpoint (a resource server)
 * @param version optimistic-locking version of the stored record
 */
public record Client(
    String clientId,
    String description,
    boolean enabled,
    String subject,
    Set<String> iamRoles,
    JWKSet publicKeys,
    SortedSet<String> scopes,
    SortedSet<String> defaultScopes,
    SortedSet<String> audiences,
    Duration defaultLifetime,
    Duration maxLifetime,
    RefreshPolicy refresh,
    boolean mayIntrospect,
    long version) {

  public Client {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(refresh, "refresh");
    iamRoles = Set.copyOf(iamRoles);
    scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
    defaultScopes = Collections.unmodifiableSortedSet(new TreeSet<>(defaultScopes));
    audiences = Collections.unmodifiableSortedSet(new TreeSet<>(audiences));
  }

  /** This client with enabled set as given. */
  public Client withEnabled(boolean value) {
    return new Client(
        clientId,
        description,
        value,
        subject,
        iamRoles,
        publicKeys,
        scopes,
        defaultScopes,
        audiences,
        defaultLifetime,
        maxLifetime,
        refresh,
        mayIntrospect,
        version);
  }

  /** This client at another version (the store sets it). */
  public Client atVersion(long newVersion) {
    return new Client(
        clientId,
        description,
        enabled,
        subject,
        iamRoles,
        publicKeys,
        scopes,
        defaultScopes,
        audiences,
        defaultLifetime,
        maxLifetime,
        refresh,
        mayIntrospect,
        newVersion);
  }
}
