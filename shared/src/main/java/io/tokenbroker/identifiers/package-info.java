/**
 * The grammar of every identifier and scope the broker puts in a token, each in one type that both
 * sides use: registration and the token endpoint when they accept or mint a value, the verifiers
 * (authorizer, introspection, revocation) when they read it back. A verifier refuses what the
 * broker could never have issued, so a faulty minter cannot hand APIs odd values or dodge a
 * revocation with another spelling. Checks are character loops, not regexes: the authorizer runs
 * them on every claim of every token. This package depends on nothing else in the broker.
 */
package io.tokenbroker.identifiers;
