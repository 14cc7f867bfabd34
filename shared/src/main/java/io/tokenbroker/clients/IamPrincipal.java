package io.tokenbroker.clients;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IAM role identities, normalized so that a role as registered ({@code
 * arn:aws:iam::123456789012:role/path/ci}) and the same role as a caller ({@code
 * arn:aws:sts::123456789012:assumed-role/ci/session}) compare equal: {@code
 * arn:<partition>:iam::<account>:role/<name>}. The path is dropped because assumed-role ARNs do not
 * carry it (role names are unique per account regardless of path).
 */
public final class IamPrincipal {

  private static final Pattern ROLE =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/(?:[\\x21-\\x7E]*/)?([\\w+=,.@-]{1,64})");
  private static final Pattern ASSUMED_ROLE =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/[\\w+=,.@-]{2,64}");

  private IamPrincipal() {}

  /** A registered role ARN, normalized; empty if it is not an IAM role ARN. */
  public static Optional<String> normalizeRole(String roleArn) {
    Matcher m = ROLE.matcher(roleArn);
    return m.matches() ? Optional.of(role(m.group(1), m.group(2), m.group(3))) : Optional.empty();
  }

  /**
   * The role behind a caller ARN as API Gateway reports it (an assumed-role session or the role
   * itself), normalized; empty for anything else (IAM users, root, federated users).
   */
  public static Optional<String> roleOfCaller(String callerArn) {
    Matcher session = ASSUMED_ROLE.matcher(callerArn);
    if (session.matches()) {
      return Optional.of(role(session.group(1), session.group(2), session.group(3)));
    }
    return normalizeRole(callerArn);
  }

  private static String role(String partition, String account, String name) {
    return "arn:" + partition + ":iam::" + account + ":role/" + name;
  }
}
