package io.tokenbroker.verify;

import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.ServiceFailure;
import java.util.List;

/** Port: where trusted keys come from (the broker's key table, or its JWKS URL). */
@FunctionalInterface
public interface KeySource {

  /**
   * Every currently published key.
   *
   * @throws ServiceFailure if the source cannot be read
   */
  List<JWK> fetch();
}
