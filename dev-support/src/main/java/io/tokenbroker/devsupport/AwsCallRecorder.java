package io.tokenbroker.devsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.UntagResourceRequest;

/**
 * Records every AWS call a Lambda function or brokerctl makes in tests, as IAM sees it: principal,
 * IAM action, resource ARN and, for KMS, the key's tags and the request's tags. The IAM contract
 * test (system-tests' {@code IamContractIT}) holds these against template.yaml's roles.
 *
 * <p>A global SDK interceptor (named in {@code software/amazon/awssdk/global/handlers/
 * execution.interceptors}), so it sees every client the production wiring builds, unchanged. It
 * records only when the system property {@value #DIRECTORY} names a directory (the build sets it
 * for tests to {@code target/aws-calls}), and only calls with a function's handler class (the
 * {@code Handler:} values in template.yaml, constructor frames included: init and priming) or
 * brokerctl ({@value #CLI_PACKAGE}*) on the calling thread's stack; fixtures' calls are not the
 * broker's.
 *
 * <p>Key tags are tracked from the calls that set them (CreateKey, TagResource, UntagResource,
 * whoever makes them), so recording costs no AWS call of its own.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {

  /** System property: where to write {@code calls-<pid>.jsonl}. */
  public static final String DIRECTORY = "broker.awsCalls";

  /** moto's account (the default of moto_server); ARNs name it. */
  public static final String ACCOUNT = "123456789012";

  /** The principal name of brokerctl's calls. */
  public static final String BROKERCTL = "brokerctl";

  /**
   * The principal of a fixture's CreateKey made by the broker's own code (a test's first key): not
   * checked, but it names a deployment (the key's tag value) the tests give the broker.
   */
  public static final String FIXTURE = "fixture";

  private static final String CLI_PACKAGE = "io.tokenbroker.cli.";
  private static final Pattern HANDLER =
      Pattern.compile("(?m)^\\s*Handler:\\s*([\\w.$]+)::\\w+\\s*$");

  private static final Sink SINK = Sink.fromSystemProperties();

  /** Tags of each key (by key id) as the calls seen so far have set them. */
  private static final Map<String, Map<String, String>> KEY_TAGS = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (SINK == null) {
      return;
    }
    String principal = SINK.principal();
    if (principal == null) {
      if (context.request() instanceof CreateKeyRequest && SINK.brokerCodeOnStack()) {
        principal = FIXTURE;
      } else {
        return;
      }
    }
    String service =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME).toLowerCase(Locale.ROOT);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
    String where = (region == null ? "unknown" : region.id()) + ":" + ACCOUNT;
    SdkRequest request = context.request();
    List<String> records =
        switch (service) {
          case "dynamodb" -> dynamoDb(principal, operation, where, request);
          case "kms" -> kms(principal, operation, where, request);
          case "cloudwatchlogs" -> List.of(logs(principal, operation, where, request));
          case "cloudformation" -> List.of(cloudFormation(principal, operation, where, request));
          case "sns" ->
              List.of(
                  record(
                      principal,
                      "sns",
                      "sns:" + operation,
                      request.getValueForField("TopicArn", String.class).orElse("*"),
                      null,
                      Map.of()));
          case "eventbridge" -> eventBuses(principal, operation, where, request);
          default ->
              List.of(record(principal, service, service + ":" + operation, "*", null, Map.of()));
        };
    records.forEach(SINK::write);
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (SINK == null) {
      return;
    }
    SdkRequest request = context.request();
    SdkResponse response = context.response();
    if (request instanceof CreateKeyRequest create
        && response instanceof CreateKeyResponse created
        && created.keyMetadata() != null) {
      KEY_TAGS.put(created.keyMetadata().keyId(), new TreeMap<>(tags(create.tags())));
    } else if (request instanceof TagResourceRequest tag) {
      KEY_TAGS
          .computeIfAbsent(keyId(tag.keyId()), k -> new ConcurrentHashMap<>())
          .putAll(tags(tag.tags()));
    } else if (request instanceof UntagResourceRequest untag) {
      Map<String, String> tags = KEY_TAGS.get(keyId(untag.keyId()));
      if (tags != null) {
        untag.tagKeys().forEach(tags::remove);
      }
    }
  }

  /**
   * One record per table and IAM action: transactions need the item action of each of their items
   * (IAM authorizes TransactWriteItems as PutItem, UpdateItem, ...), batches their action per
   * table.
   */
  private static List<String> dynamoDb(
      String principal, String operation, String where, SdkRequest request) {
    Set<String> records = new LinkedHashSet<>();
    if (request instanceof TransactWriteItemsRequest transaction) {
      for (TransactWriteItem item : transaction.transactItems()) {
        if (item.put() != null) {
          records.add(table(principal, "PutItem", where, item.put().tableName()));
        }
        if (item.update() != null) {
          records.add(table(principal, "UpdateItem", where, item.update().tableName()));
        }
        if (item.delete() != null) {
          records.add(table(principal, "DeleteItem", where, item.delete().tableName()));
        }
        if (item.conditionCheck() != null) {
          records.add(
              table(principal, "ConditionCheckItem", where, item.conditionCheck().tableName()));
        }
      }
    } else if (request instanceof TransactGetItemsRequest transaction) {
      for (TransactGetItem item : transaction.transactItems()) {
        records.add(table(principal, "GetItem", where, item.get().tableName()));
      }
    } else {
      Set<String> tables = new TreeSet<>();
      request.getValueForField("TableName", String.class).ifPresent(tables::add);
      request
          .getValueForField("RequestItems", Map.class)
          .ifPresent(items -> items.keySet().forEach(t -> tables.add(String.valueOf(t))));
      if (tables.isEmpty()) {
        records.add(record(principal, "dynamodb", "dynamodb:" + operation, "*", null, Map.of()));
      }
      for (String name : tables) {
        records.add(table(principal, operation, where, name));
      }
    }
    return new ArrayList<>(records);
  }

  /**
   * A CloudWatch Logs call on a log group (brokerctl console's FilterLogEvents), as IAM sees it.
   */
  /** EventBridge (IAM prefix {@code events}): one record per event bus the entries name. */
  private static List<String> eventBuses(
      String principal, String operation, String where, SdkRequest request) {
    java.util.Set<String> buses = new java.util.TreeSet<>();
    for (Object entry : request.getValueForField("Entries", List.class).orElse(List.of())) {
      if (entry instanceof software.amazon.awssdk.core.SdkPojo pojo) {
        String bus =
            pojo.sdkFields().stream()
                .filter(f -> f.memberName().equals("EventBusName"))
                .map(f -> f.getValueOrDefault(pojo))
                .filter(v -> v != null)
                .map(String::valueOf)
                .findFirst()
                .orElse("default");
        buses.add(bus.startsWith("arn:") ? bus : "arn:aws:events:" + where + ":event-bus/" + bus);
      }
    }
    return buses.stream()
        .map(bus -> record(principal, "events", "events:" + operation, bus, null, Map.of()))
        .toList();
  }

  private static String logs(String principal, String operation, String where, SdkRequest request) {
    String resource =
        request
            .getValueForField("logGroupName", String.class)
            .map(group -> "arn:aws:logs:" + where + ":log-group:" + group + ":*")
            .orElse("*");
    return record(principal, "logs", "logs:" + operation, resource, null, Map.of());
  }

  private static String table(String principal, String operation, String where, String name) {
    String arn = name.startsWith("arn:") ? name : "arn:aws:dynamodb:" + where + ":table/" + name;
    return record(principal, "dynamodb", "dynamodb:" + operation, arn, null, Map.of());
  }

  /**
   * A call on a key carries the key's tags at call time ({@code aws:ResourceTag/...}); CreateKey
   * and TagResource their request tags ({@code aws:RequestTag/...}, {@code aws:TagKeys}). KMS
   * authorizes CreateKey's Tags parameter as a second action, kms:TagResource on no particular key,
   * so a CreateKey with tags is recorded as both.
   */
  private static List<String> kms(
      String principal, String operation, String where, SdkRequest request) {
    Optional<String> keyId = request.getValueForField("KeyId", String.class);
    String resource = "*";
    Map<String, String> resourceTags = null;
    if (keyId.isPresent()) {
      String id = keyId(keyId.get());
      resource =
          keyId.get().startsWith("arn:") ? keyId.get() : "arn:aws:kms:" + where + ":key/" + id;
      resourceTags = KEY_TAGS.getOrDefault(id, Map.of());
    }
    Map<String, String> requestTags = Map.of();
    if (request instanceof CreateKeyRequest create) {
      requestTags = tags(create.tags());
    } else if (request instanceof TagResourceRequest tag) {
      requestTags = tags(tag.tags());
    }
    String call = record(principal, "kms", "kms:" + operation, resource, resourceTags, requestTags);
    if (request instanceof CreateKeyRequest && !requestTags.isEmpty()) {
      return List.of(
          call, record(principal, "kms", "kms:TagResource", "*", resourceTags, requestTags));
    }
    return List.of(call);
  }

  private static String keyId(String keyIdOrArn) {
    return keyIdOrArn.substring(keyIdOrArn.lastIndexOf('/') + 1);
  }

  private static Map<String, String> tags(Collection<Tag> tags) {
    Map<String, String> map = new TreeMap<>();
    if (tags != null) {
      tags.forEach(t -> map.put(t.tagKey(), t.tagValue()));
    }
    return map;
  }

  /**
   * A stack's ARN for calls that name one (DescribeStacks by name), as IAM matches it: {@code
   * stack/<name>/<id>} with any id. Read by field name, so dev-support needs no CloudFormation
   * module.
   */
  private static String cloudFormation(
      String principal, String operation, String where, SdkRequest request) {
    String resource =
        request
            .getValueForField("StackName", String.class)
            .filter(name -> !name.startsWith("arn:"))
            .map(name -> "arn:aws:cloudformation:" + where + ":stack/" + name + "/*")
            .orElse("*");
    return record(
        principal, "cloudformation", "cloudformation:" + operation, resource, null, Map.of());
  }

  /** One JSON line; {@code resourceTags} null where the resource is not a key. */
  private static String record(
      String principal,
      String service,
      String action,
      String resource,
      Map<String, String> resourceTags,
      Map<String, String> requestTags) {
    StringBuilder json = new StringBuilder("{");
    field(json, "principal", principal).append(',');
    field(json, "service", service).append(',');
    field(json, "action", action).append(',');
    field(json, "resource", resource);
    if (resourceTags != null) {
      json.append(",\"resourceTags\":");
      object(json, resourceTags);
    }
    if (!requestTags.isEmpty()) {
      json.append(",\"requestTags\":");
      object(json, requestTags);
      json.append(",\"tagKeys\":[");
      String separator = "";
      for (String key : new TreeSet<>(requestTags.keySet())) {
        json.append(separator);
        string(json, key);
        separator = ",";
      }
      json.append(']');
    }
    return json.append('}').toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    string(json, name);
    json.append(':');
    return string(json, value);
  }

  private static void object(StringBuilder json, Map<String, String> map) {
    json.append('{');
    String separator = "";
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      json.append(separator);
      field(json, e.getKey(), e.getValue());
      separator = ",";
    }
    json.append('}');
  }

  private static StringBuilder string(StringBuilder json, String value) {
    json.append('"');
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }

  /** Where records go, and whose calls count. */
  private static final class Sink {

    private static final StackWalker WALKER =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final Path file;
    private final Set<String> handlers;
    private final Set<String> written = ConcurrentHashMap.newKeySet();

    private Sink(Path file, Set<String> handlers) {
      this.file = file;
      this.handlers = handlers;
    }

    /** Null unless the build asked for recordings. */
    static Sink fromSystemProperties() {
      String directory = System.getProperty(DIRECTORY);
      String root = System.getProperty("broker.projectRoot");
      if (directory == null || directory.isBlank() || root == null) {
        return null;
      }
      Set<String> handlers = new TreeSet<>();
      try {
        Matcher m = HANDLER.matcher(Files.readString(Path.of(root, "template.yaml")));
        while (m.find()) {
          handlers.add(m.group(1));
        }
        Path dir = Files.createDirectories(Path.of(directory));
        return new Sink(dir.resolve("calls-" + ProcessHandle.current().pid() + ".jsonl"), handlers);
      } catch (IOException e) {
        throw new UncheckedIOException("AWS call recording: cannot start", e);
      }
    }

    /** The innermost handler class or brokerctl on this thread's stack; null if neither. */
    String principal() {
      return WALKER.walk(
          frames ->
              frames
                  .map(StackWalker.StackFrame::getDeclaringClass)
                  .map(principals::get)
                  .filter(p -> !p.isEmpty())
                  .findFirst()
                  .orElse(null));
    }

    /** Whether the innermost project frame (dev-support aside) is production code, not a test. */
    boolean brokerCodeOnStack() {
      return WALKER.walk(
          frames ->
              frames
                  .map(StackWalker.StackFrame::getDeclaringClass)
                  .filter(
                      c ->
                          c.getName().startsWith("io.tokenbroker.")
                              && !c.getName().startsWith("io.tokenbroker.devsupport."))
                  .findFirst()
                  .map(c -> !fromTestClasses(c))
                  .orElse(false));
    }

    private static boolean fromTestClasses(Class<?> type) {
      var source = type.getProtectionDomain().getCodeSource();
      return source == null || source.getLocation().getPath().contains("/test-classes/");
    }

    private final ClassValue<String> principals =
        new ClassValue<>() {
          @Override
          protected String computeValue(Class<?> type) {
            String name = type.getName();
            int nested = name.indexOf('$');
            String outer = nested < 0 ? name : name.substring(0, nested);
            if (!handlers.contains(outer) && !name.startsWith(CLI_PACKAGE)) {
              return "";
            }
            // Tests live in the same packages (BrokerctlIT): only production classes are
            // principals.
            if (fromTestClasses(type)) {
              return "";
            }
            return name.startsWith(CLI_PACKAGE) ? BROKERCTL : outer;
          }
        };

    void write(String record) {
      if (!written.add(record)) {
        return;
      }
      synchronized (this) {
        try {
          Files.writeString(
              file,
              record + "\n",
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException("AWS call recording: cannot write " + file, e);
        }
      }
    }
  }
}
