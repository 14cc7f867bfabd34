package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.errors.ServiceFailure;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who the operator is, as AWS sees the credentials brokerctl uses: STS GetCallerIdentity, which
 * needs no IAM permission and cannot be denied by one. The ARN goes into the audit trail only.
 */
final class CallerIdentity {

  private CallerIdentity() {}

  /** How far the local clock may be from AWS's: the audit entries' times come from it. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /**
   * The caller's ARN, once the local {@code clock} is known to agree with AWS's (STS's answer's
   * Date header) within {@link #MAX_CLOCK_SKEW}: an audit entry's time, monthly partition and
   * expiry come from the local clock, so a clock set back a year would write entries already
   * expired, and one ahead would file them where the newest are not read.
   *
   * @throws ServiceFailure if STS cannot say (no credentials, no network): the caller must then do
   *     nothing, since its action could not be recorded under a name
   * @throws IllegalStateException if the clocks disagree (nothing was done)
   */
  static String arn(AwsSettings aws, Clock clock) {
    try (StsClient sts = AwsClients.build(StsClient.builder(), aws)) {
      GetCallerIdentityResponse response = sts.getCallerIdentity();
      Optional<Instant> awsTime =
          response.sdkHttpResponse().firstMatchingHeader("Date").flatMap(CallerIdentity::httpDate);
      Instant local = clock.instant();
      if (awsTime.isPresent()
          && Duration.between(awsTime.get(), local).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalStateException(
            "this machine's clock says "
                + local.truncatedTo(ChronoUnit.SECONDS)
                + " but AWS's says "
                + awsTime.get()
                + ": audit entries take their time from this clock, so nothing was done (set"
                + " the clock right, e.g. with NTP)");
      }
      return response.arn();
    } catch (SdkException e) {
      ServiceFailure failure = AwsFailures.of("sts", "GetCallerIdentity", e);
      throw new ServiceFailure(
          "sts",
          "could not tell who you are for the audit trail, so nothing was done ("
              + failure.getMessage()
              + ")",
          failure.retryable(),
          e);
    }
  }

  private static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value)));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
