package io.tokenbroker.leaks;

/**
 * Who reported a leak, as its audit entries name it.
 *
 * @param actor GitHub's key identifier ({@code github:<key_identifier>}) or an operator's IAM ARN
 *     (API Gateway verified it); an operator-facing record, never logged
 * @param via how the report came: {@link #GITHUB}, or the operator audit's {@code admin-route}
 */
public record Reporter(String actor, String via) {

  /** The {@code via} of reports signed by GitHub's secret scanning. */
  public static final String GITHUB = "github-secret-scanning";

  public static Reporter github(String keyIdentifier) {
    return new Reporter("github:" + keyIdentifier, GITHUB);
  }
}
