package io.tokenbroker.verify;

import io.tokenbroker.oauth.RevocationService;

/**
 * Test fixture for ArchitectureTest only: a class in {@code verify} that names the {@code oauth}
 * layer above it, an arrow against the drawing that also closes a cycle (RevocationService uses the
 * verifier). The architecture rules must report it.
 */
final class UndrawnArrowFixture {

  RevocationService above;
}
