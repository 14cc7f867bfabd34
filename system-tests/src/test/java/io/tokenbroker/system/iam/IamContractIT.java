package io.tokenbroker.system.iam;

import static io.tokenbroker.testing.SamTemplate.list;
import static io.tokenbroker.testing.SamTemplate.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.devsupport.AwsCallRecorder;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, proven: every AWS call a function makes in the tests of any module (recorded by
 * dev-support's AwsCallRecorder into {@code <module>/target/aws-calls}) is allowed by the IAM role
 * that template.yaml gives that function, as aws-sam-translator expands it; and every grant of
 * every role is needed by some recorded call. brokerctl's calls are held the same way against
 * docs/operator-policy.json, the policy README tells operators to give it.
 *
 * <p>moto does not evaluate IAM; without this test a missing permission shows only in AWS (as an
 * AccessDenied, a non-retryable 500) and a needless one never. It runs after every module whose
 * tests make the calls (the reactor order, root pom), in an execution of its own after this
 * module's other tests (system-tests/pom.xml), and reads only data: the calls and the template.
 */
class IamContractIT {

  /** The stack the template is resolved for; tests' table names and key tags are mapped to it. */
  private static final String STACK = "tb-iam";

  private static final String REGION = "us-east-1";

  /**
   * Grants that no test can exercise, by {@code "<function or brokerctl> <Sid> <action>"}, each
   * with the reason. Keep it short: a grant listed here is unproven.
   */
  private static final Map<String, String> UNREACHABLE =
      Map.of(
          "brokerctl FindKeysTheTableLost kms:ListResourceTags",
          "keys rotate's orphan sweep asks for the tags of every KMS key the key table does not"
              + " know; a real account always has some (aws/* keys), BrokerctlIT's moto has none",
          "brokerctl FindKeysTheTableLost kms:DescribeKey",
          "the same sweep describes a tagged key the table does not know; BrokerctlIT makes none",
          "brokerctl OperatorsRoutes execute-api:Invoke",
          "report-leak and honeytoken mint call POST /admin/leaks and /admin/honeytokens over"
              + " HTTP, SigV4-signed, not through an SDK client, so no recorder sees them;"
              + " LocalLeakReportIT and LocalHoneytokenIT run them against the local server's"
              + " SigV4 check and resource policy",
          "brokerctl ManageOnlyTheBrokersKeys kms:ScheduleKeyDeletion",
          "keys rotate schedules the deletion of a withdrawn key after its retention (24 h);"
              + " BrokerctlIT does not wait a day",
          "AnomalyDetectorFunction ReadTheIssuancesStream dynamodb:GetRecords",
          "Lambda's event source mapping reads the stream with the role, not the function's code",
          "AnomalyDetectorFunction ReadTheIssuancesStream dynamodb:GetShardIterator",
          "the same: the event source mapping's polling",
          "AnomalyDetectorFunction ReadTheIssuancesStream dynamodb:DescribeStream",
          "the same: the event source mapping's polling",
          "AnomalyDetectorFunction ReadTheIssuancesStream dynamodb:ListStreams",
          "the same: the event source mapping's polling",
          "AnomalyDetectorFunction GiveUpToTheDeadLetterQueue sqs:SendMessage",
          "Lambda sends a batch it gave up on with the role; the code never calls SQS");

  private static final Pattern LOG_GROUP_ARN =
      Pattern.compile(
          "arn:aws:logs:([^:]+:\\d+):log-group:/aws/lambda/.+-(token|authorizer|revocation"
              + "|introspection):\\*");

  /**
   * Actions IAM does not authorize, so no policy grants them: STS GetCallerIdentity works for any
   * valid credentials even under an explicit Deny (AWS STS API reference). brokerctl asks it who
   * the operator is, for the audit trail.
   */
  private static final Set<String> NEEDS_NO_PERMISSION = Set.of("sts:GetCallerIdentity");

  private static final Pattern TABLE_ARN =
      Pattern.compile("arn:aws:dynamodb:([^:]+):([^:]+):table/(.+)");

  private static Map<String, IamPolicy> policies; // by principal
  private static Map<String, String> roleNames; // principal -> function (for messages)
  private static List<RecordedCall> calls;
  private static Path report;

  @BeforeAll
  static void load() throws Exception {
    SamTemplate template = SamTemplate.transformed().orElse(null);
    assumeTrue(template != null, "aws-sam-translator is not installed: IAM contract skipped");
    Path root = EventFiles.projectRoot();
    List<Path> recordings = recordings(root);
    if (recordings.isEmpty()) {
      SamTemplate.missing(
          "AWS call recordings", "run mvn verify from the root: the modules' tests record them");
      assumeTrue(false, "no AWS call recordings under " + root + ": IAM contract skipped");
    }

    Map<String, Object> transformed = template.json;
    Map<String, String> tables = tableNames(template);
    Intrinsics intrinsics =
        new Intrinsics(transformed, STACK, REGION, AwsCallRecorder.ACCOUNT, tables);

    policies = new TreeMap<>();
    roleNames = new TreeMap<>();
    template
        .ofType("AWS::Lambda::Function")
        .forEach(
            (function, properties) -> {
              String handler = (String) properties.get("Handler");
              String principal = handler.substring(0, handler.indexOf("::"));
              policies.put(principal, rolePolicy(template, intrinsics, function, properties));
              roleNames.put(principal, function);
            });
    policies.put(
        AwsCallRecorder.BROKERCTL,
        operatorPolicy(root.resolve("docs/operator-policy.json"), intrinsics));
    roleNames.put(AwsCallRecorder.BROKERCTL, AwsCallRecorder.BROKERCTL);

    List<RecordedCall> recorded = new ArrayList<>();
    for (Path file : recordings) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          recorded.add(RecordedCall.parse(line));
        }
      }
    }
    Set<String> deployments = deploymentNames(recorded);
    Set<RecordedCall> normalized = new LinkedHashSet<>();
    for (RecordedCall call : recorded) {
      normalized.add(
          call.rewritten(
              resource -> logGroupArn(stackArn(tableArn(resource, tables))),
              value -> deployments.contains(value) ? STACK : value));
    }
    calls =
        normalized.stream()
            .filter(c -> !c.principal().equals(AwsCallRecorder.FIXTURE))
            .filter(c -> !NEEDS_NO_PERMISSION.contains(c.action()))
            .sorted(Comparator.comparing(RecordedCall::toString))
            .toList();
    report = root.resolve("system-tests/target/iam-contract.txt");
  }

  @Test
  void everyRoleAllowsEveryCallItsFunctionMakes() throws IOException {
    List<String> denied = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (RecordedCall call : calls) {
      IamPolicy policy = policies.get(call.principal());
      if (policy == null) {
        denied.add(call + ": no role or policy for this principal");
        continue;
      }
      IamPolicy.Decision decision = policy.evaluate(call);
      table.append(decision.allowed() ? "allowed " : "DENIED  ").append(call).append('\n');
      if (!decision.allowed()) {
        denied.add(
            roleNames.get(call.principal()) + " may not: " + call + ": " + decision.reason());
      }
    }
    Files.createDirectories(report.getParent());
    Files.writeString(report, table);
    assertThat(denied)
        .as("calls the functions make that their IAM roles do not allow (all calls: %s)", report)
        .isEmpty();
  }

  @Test
  void everyGrantOfEveryRoleIsNeededByARecordedCall() {
    Map<String, Set<IamPolicy.Grant>> used = new TreeMap<>();
    for (RecordedCall call : calls) {
      IamPolicy policy = policies.get(call.principal());
      if (policy != null) {
        used.computeIfAbsent(call.principal(), p -> new LinkedHashSet<>())
            .addAll(policy.evaluate(call).grants());
      }
    }
    List<String> unused = new ArrayList<>();
    Set<String> excused = new TreeSet<>();
    policies.forEach(
        (principal, policy) -> {
          String name = roleNames.get(principal);
          for (IamPolicy.Grant grant : policy.grants()) {
            String key = name + " " + grant.statement() + " " + grant.action();
            if (UNREACHABLE.containsKey(key)) {
              excused.add(key);
            } else if (!used.getOrDefault(principal, Set.of()).contains(grant)) {
              unused.add(name + " grants " + grant + ", which no recorded call needs");
            }
          }
        });
    assertThat(unused)
        .as("grants no call needs: remove them, or list them in UNREACHABLE with the reason")
        .isEmpty();
    assertThat(UNREACHABLE.keySet())
        .as("UNREACHABLE names only grants that exist")
        .isSubsetOf(excused);
  }

  /** Each function's role: the inline policies SAM generated from its Policies. */
  private static IamPolicy rolePolicy(
      SamTemplate template,
      Intrinsics intrinsics,
      String function,
      Map<String, Object> properties) {
    Map<String, Object> roleRef = object(properties, "Role");
    String role = (String) list(roleRef, "Fn::GetAtt").get(0);
    Map<String, Object> roleProperties = template.ofType("AWS::IAM::Role").get(role);
    assertThat(roleProperties).as("the role of " + function).isNotNull();
    // SAM's defaults for every function (logs, X-Ray): AWS-managed, nothing of ours in them.
    assertThat(list(roleProperties, "ManagedPolicyArns"))
        .as("managed policies of " + role)
        .allMatch(
            arn ->
                Set.of(
                        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess")
                    .contains(String.valueOf(intrinsics.resolve(arn))));
    List<Map<String, Object>> documents = new ArrayList<>();
    Object inline = roleProperties.get("Policies");
    for (Object policy : inline == null ? List.of() : (List<?>) inline) {
      documents.add(object(intrinsics.resolve(object(policy).get("PolicyDocument"))));
    }
    return IamPolicy.of(function, documents);
  }

  /** docs/operator-policy.json, its ${...} placeholders substituted as Fn::Sub would. */
  private static IamPolicy operatorPolicy(Path file, Intrinsics intrinsics) throws Exception {
    Map<String, Object> document = JSONObjectUtils.parse(Files.readString(file));
    return IamPolicy.of(
        "docs/operator-policy.json", List.of(object(subEveryString(document, intrinsics))));
  }

  private static Object subEveryString(Object value, Intrinsics intrinsics) {
    if (value instanceof String s) {
      return intrinsics.resolve(Map.of("Fn::Sub", s));
    }
    if (value instanceof List<?> l) {
      return l.stream().map(v -> subEveryString(v, intrinsics)).toList();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, subEveryString(v, intrinsics)));
      return out;
    }
    return value;
  }

  /**
   * Table logical ids and the names the stack's tables get here: the functions' environment names
   * each table (KEYS_TABLE: !Ref KeysTable), BrokerTables names the variables' tables.
   */
  private static Map<String, String> tableNames(SamTemplate template) {
    Map<String, String> byVariable = BrokerTables.withPrefix(STACK + "-").environment();
    Map<String, String> tables = new TreeMap<>();
    for (Map<String, Object> function : template.ofType("AWS::Lambda::Function").values()) {
      object(object(function, "Environment"), "Variables")
          .forEach(
              (variable, value) -> {
                if (byVariable.containsKey(variable) && value instanceof Map<?, ?> ref) {
                  tables.put((String) ref.get("Ref"), byVariable.get(variable));
                }
              });
    }
    assertThat(tables.values()).containsExactlyInAnyOrderElementsOf(byVariable.values());
    return tables;
  }

  /**
   * A recorded table ARN, in the stack's region, with the test's table name (a per-test-class
   * prefix and the table's own name, e.g. {@code tb-test-1a2b3c4d-refresh-tokens}) renamed to the
   * stack's table of that name.
   */
  private static String tableArn(String resource, Map<String, String> tables) {
    Matcher m = TABLE_ARN.matcher(resource);
    if (!m.matches()) {
      return resource;
    }
    String name = m.group(3);
    String stackPrefix = STACK + "-";
    String table =
        tables.values().stream()
            .filter(t -> name.endsWith(t.substring(stackPrefix.length())))
            .max(Comparator.comparingInt(String::length))
            .orElse(name);
    // Any region is the stack's: BrokerctlRegionIT finds tables in other regions on purpose.
    return "arn:aws:dynamodb:" + REGION + ":" + m.group(2) + ":table/" + table;
  }

  /**
   * A recorded CloudFormation stack ARN (brokerctl --stack-name on a test's stack) renamed to the
   * stack's: the tests' stacks stand for the broker's, as their tables do.
   */
  private static String stackArn(String resource) {
    return resource.replaceFirst(
        "^(arn:aws:cloudformation:[^:]+:[^:]+:stack/)[^/]+/", "$1" + STACK + "/");
  }

  /**
   * A recorded log group ARN with the test's name ({@code /aws/lambda/tb-test-1a2b3c4d-token})
   * renamed to the stack's function log group of that suffix ({@code /aws/lambda/tb-iam-token}).
   */
  static String logGroupArn(String resource) {
    Matcher m = LOG_GROUP_ARN.matcher(resource);
    return m.matches()
        ? "arn:aws:logs:" + m.group(1) + ":log-group:/aws/lambda/" + STACK + "-" + m.group(2) + ":*"
        : resource;
  }

  /**
   * The deployment names the tests give the broker (BROKER_NAME: "test", "local", ...): the tag
   * values the broker's own CreateKey calls ask for (a function's, brokerctl's, or a fixture's made
   * with the broker's code). In AWS that name is the stack's, so key tags with these values are the
   * stack's; a key tagged otherwise (a test's foreign key) stays foreign.
   */
  private static Set<String> deploymentNames(List<RecordedCall> recorded) {
    Set<String> names = new TreeSet<>();
    for (RecordedCall call : recorded) {
      if (call.action().equals("kms:CreateKey")) {
        names.addAll(call.requestTags().values());
      }
    }
    return names;
  }

  /**
   * Every module's {@code target/aws-calls/*.jsonl} (functions/*, local-server, brokerctl, ...).
   */
  private static List<Path> recordings(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path module : modules(root)) {
      for (Path child : modules(module)) {
        files.addAll(recordingsOf(child));
      }
      files.addAll(recordingsOf(module));
    }
    return files.stream().sorted().toList();
  }

  private static List<Path> modules(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(c -> Files.exists(c.resolve("pom.xml"))).toList();
    }
  }

  private static List<Path> recordingsOf(Path module) throws IOException {
    Path dir = module.resolve("target/aws-calls");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
    }
  }
}
