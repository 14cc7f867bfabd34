package io.tokenbroker.system.iam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions, resolved as one stack would see them: Ref (parameters at
 * their defaults, pseudo parameters, tables by the names given), Fn::GetAtt of a table's Arn,
 * Fn::Sub, Fn::Join, Fn::If with the template's Conditions (Fn::Not, Fn::Equals, Fn::And, Fn::Or).
 * Anything else is an error: what this cannot resolve it must not guess.
 */
final class Intrinsics {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(!?)([^}]+)}");

  private final Map<String, Object> template;
  private final Map<String, String> pseudo;
  private final Map<String, String> tables;

  /**
   * @param template the transformed template (Parameters, Conditions, Resources)
   * @param tables each table's logical id and the name it has
   */
  Intrinsics(
      Map<String, Object> template,
      String stack,
      String region,
      String account,
      Map<String, String> tables) {
    this.template = template;
    this.pseudo =
        Map.of(
            "AWS::StackName", stack,
            "AWS::Region", region,
            "AWS::AccountId", account,
            "AWS::Partition", "aws",
            "AWS::URLSuffix", "amazonaws.com");
    this.tables = tables;
  }

  /** {@code value} with every intrinsic function in it resolved. */
  Object resolve(Object value) {
    if (value instanceof List<?> list) {
      List<Object> resolved = new ArrayList<>();
      list.forEach(each -> resolved.add(resolve(each)));
      return resolved;
    }
    if (!(value instanceof Map<?, ?> map)) {
      return value;
    }
    if (map.size() == 1) {
      String function = (String) map.keySet().iterator().next();
      Object argument = map.get(function);
      if (function.equals("Ref")) {
        return ref((String) argument);
      }
      if (function.startsWith("Fn::")) {
        return function(function, argument);
      }
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    map.forEach((k, v) -> resolved.put((String) k, resolve(v)));
    return resolved;
  }

  private Object function(String function, Object argument) {
    List<?> args = argument instanceof List<?> l ? l : List.of(argument);
    return switch (function) {
      case "Fn::GetAtt" -> getAtt((String) args.get(0), (String) args.get(1));
      case "Fn::Sub" ->
          sub(
              (String) args.get(0),
              args.size() > 1 ? object(args.get(1)) : Map.<String, Object>of());
      case "Fn::Join" -> {
        List<String> parts = new ArrayList<>();
        for (Object part : (List<?>) resolve(args.get(1))) {
          parts.add(String.valueOf(part));
        }
        yield String.join((String) args.get(0), parts);
      }
      case "Fn::If" ->
          condition((String) args.get(0)) ? resolve(args.get(1)) : resolve(args.get(2));
      default -> throw new IllegalArgumentException("cannot resolve " + function + " " + argument);
    };
  }

  private String ref(String name) {
    if (pseudo.containsKey(name)) {
      return pseudo.get(name);
    }
    if (tables.containsKey(name)) {
      return tables.get(name);
    }
    Map<String, Object> parameters = object(template.getOrDefault("Parameters", Map.of()));
    if (parameters.containsKey(name)) {
      Object value = object(parameters.get(name)).get("Default");
      if (value == null) {
        throw new IllegalArgumentException("parameter " + name + " has no default");
      }
      return String.valueOf(value);
    }
    if ("AWS::SNS::Topic".equals(resourceType(name))) {
      return "arn:aws:sns:"
          + pseudo.get("AWS::Region")
          + ":"
          + pseudo.get("AWS::AccountId")
          + ":"
          + name; // a topic's Ref is its ARN
    }
    throw new IllegalArgumentException("cannot resolve Ref " + name);
  }

  private String getAtt(String resource, String attribute) {
    if (tables.containsKey(resource) && attribute.equals("Arn")) {
      return "arn:aws:dynamodb:"
          + pseudo.get("AWS::Region")
          + ":"
          + pseudo.get("AWS::AccountId")
          + ":table/"
          + tables.get(resource);
    }
    if (tables.containsKey(resource) && attribute.equals("StreamArn")) {
      return getAtt(resource, "Arn") + "/stream/2026-01-01T00:00:00.000";
    }
    if ("AWS::SQS::Queue".equals(resourceType(resource)) && attribute.equals("Arn")) {
      return "arn:aws:sqs:"
          + pseudo.get("AWS::Region")
          + ":"
          + pseudo.get("AWS::AccountId")
          + ":"
          + resource;
    }
    throw new IllegalArgumentException("cannot resolve Fn::GetAtt " + resource + "." + attribute);
  }

  private String resourceType(String logicalId) {
    Object resource = object(template.getOrDefault("Resources", Map.of())).get(logicalId);
    return resource == null ? null : (String) object(resource).get("Type");
  }

  private String sub(String text, Map<String, Object> variables) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(2);
      String replacement;
      if (!m.group(1).isEmpty()) {
        replacement = "${" + name + "}"; // ${!Literal}
      } else if (variables.containsKey(name)) {
        replacement = String.valueOf(resolve(variables.get(name)));
      } else if (name.contains(".")) {
        int dot = name.indexOf('.');
        replacement = getAtt(name.substring(0, dot), name.substring(dot + 1));
      } else {
        replacement = ref(name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private boolean condition(String name) {
    Object definition = object(template.getOrDefault("Conditions", Map.of())).get(name);
    if (definition == null) {
      throw new IllegalArgumentException("no condition " + name);
    }
    return truth(definition);
  }

  private boolean truth(Object expression) {
    Map<String, Object> map = object(expression);
    if (map.size() != 1) {
      throw new IllegalArgumentException("not a condition: " + expression);
    }
    String function = map.keySet().iterator().next();
    Object argument = map.get(function);
    return switch (function) {
      case "Condition" -> condition((String) argument);
      case "Fn::Not" -> !truth(((List<?>) argument).get(0));
      case "Fn::And" -> ((List<?>) argument).stream().allMatch(this::truth);
      case "Fn::Or" -> ((List<?>) argument).stream().anyMatch(this::truth);
      case "Fn::Equals" -> {
        List<?> pair = (List<?>) argument;
        yield String.valueOf(resolve(pair.get(0))).equals(String.valueOf(resolve(pair.get(1))));
      }
      default -> throw new IllegalArgumentException("cannot resolve condition " + function);
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    return (Map<String, Object>) value;
  }
}
