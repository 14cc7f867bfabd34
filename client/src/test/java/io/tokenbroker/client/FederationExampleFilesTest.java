package io.tokenbroker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The federation examples a user copies stay true: the trust policies their comments show are
 * accepted by the broker's own parser, and the workflow and pod spec say what the policies and the
 * client library expect (GitHub's id-token permission and the broker's audience; the projected
 * token's audience, and its path where {@link FederatedCredentials#kubernetes} reads it).
 */
class FederationExampleFilesTest {

  private static final String BROKER = "https://broker.example.com";

  private static Path example(String name) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path file = d.resolve("examples").resolve(name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    throw new IllegalStateException("examples/" + name + " not found above the module");
  }

  /** The trust policy in an example's comments, in a client that may have its scopes. */
  private static Client policyOf(String name) throws Exception {
    List<String> lines = Files.readAllLines(example(name));
    StringBuilder json = new StringBuilder();
    boolean in = false;
    for (String line : lines) {
      String text = line.replaceFirst("^#\\s?", "");
      if (text.strip().startsWith("\"trust_policies\"")) {
        in = true;
      }
      if (in) {
        json.append(text).append('\n');
        if (text.strip().equals("}]")) {
          break;
        }
      }
    }
    assertThat(json).as(name + " shows a trust policy").isNotEmpty();
    return ClientJson.parse(
        """
        {"client_id": "example", "scopes": ["deploy:write", "orders:read"],
         "audiences": ["https://deploy.example.com", "https://orders.example.com"], %s}
        """
            .formatted(json));
  }

  @Test
  void theTrustPoliciesTheExamplesShowAreAccepted() throws Exception {
    for (String name : List.of("github-actions-workflow.yml", "kubernetes-projected-token.yaml")) {
      Client client = policyOf(name);
      assertThat(ClientJson.toJsonString(client)).as(name).contains(BROKER);
    }
  }

  @Test
  void theWorkflowMayAskForAnIdTokenForTheBrokerAndRunsTheScript() throws Exception {
    Map<String, Object> workflow = yaml("github-actions-workflow.yml").getFirst();

    assertThat(JSONObjectUtils.getJSONObject(workflow, "permissions"))
        .containsEntry("id-token", "write");
    List<Object> steps =
        JSONObjectUtils.getJSONArray(
            JSONObjectUtils.getJSONObject(
                JSONObjectUtils.getJSONObject(workflow, "jobs"), "deploy"),
            "steps");
    @SuppressWarnings("unchecked")
    Map<String, Object> exchange =
        steps.stream()
            .map(s -> (Map<String, Object>) s)
            .filter(s -> "./examples/token-exchange.sh".equals(s.get("run")))
            .findFirst()
            .orElseThrow();
    assertThat(JSONObjectUtils.getJSONObject(exchange, "env"))
        .containsEntry("ID_TOKEN_AUDIENCE", BROKER)
        .containsEntry("BROKER_URL", BROKER)
        .containsKeys("CLIENT_ID", "SCOPE", "AUDIENCE", "API_URL");
    assertThat(Files.isExecutable(example("token-exchange.sh"))).isTrue();
  }

  @Test
  void thePodsProjectedTokenIsForTheBrokerWhereTheLibraryReadsIt() throws Exception {
    List<Map<String, Object>> documents = yaml("kubernetes-projected-token.yaml");
    Map<String, Object> pod =
        documents.stream().filter(d -> "Pod".equals(d.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> spec = JSONObjectUtils.getJSONObject(pod, "spec");
    Map<?, ?> volume = (Map<?, ?>) JSONObjectUtils.getJSONArray(spec, "volumes").getFirst();
    Map<?, ?> token =
        (Map<?, ?>)
            ((Map<?, ?>)
                    ((List<?>) ((Map<?, ?>) volume.get("projected")).get("sources")).getFirst())
                .get("serviceAccountToken");
    Map<?, ?> container = (Map<?, ?>) JSONObjectUtils.getJSONArray(spec, "containers").getFirst();
    Map<?, ?> mount = (Map<?, ?>) ((List<?>) container.get("volumeMounts")).getFirst();

    assertThat(token.get("audience")).isEqualTo(BROKER);
    assertThat(((Number) token.get("expirationSeconds")).intValue()).isGreaterThanOrEqualTo(600);
    assertThat(mount.get("name")).isEqualTo(volume.get("name"));
    assertThat(Path.of((String) mount.get("mountPath")).resolve((String) token.get("path")))
        .isEqualTo(FederatedCredentials.KUBERNETES_TOKEN_FILE);
    // The policy's subject is this pod's service account.
    String subject =
        "system:serviceaccount:"
            + JSONObjectUtils.getJSONObject(pod, "metadata").get("namespace")
            + ":"
            + spec.get("serviceAccountName");
    assertThat(Files.readString(example("kubernetes-projected-token.yaml")))
        .contains("\"subject\": \"" + subject + "\"");
    // The script runs in the pod as is: the pod sets what it requires, and nothing it never reads.
    Map<String, String> env = new java.util.HashMap<>();
    for (Object variable : (List<?>) container.get("env")) {
      env.put(
          (String) ((Map<?, ?>) variable).get("name"),
          (String) ((Map<?, ?>) variable).get("value"));
    }
    String script = Files.readString(example("token-exchange.sh"));
    java.util.Set<String> read = new java.util.HashSet<>();
    java.util.Set<String> required = new java.util.HashSet<>();
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("\\$\\{([A-Z_]+)(:\\?)?").matcher(script);
    while (matcher.find()) {
      read.add(matcher.group(1));
      if (matcher.group(2) != null) {
        required.add(matcher.group(1));
      }
    }
    assertThat(required).isNotEmpty();
    assertThat(read).containsAll(env.keySet());
    assertThat(env.keySet()).containsAll(required);
    assertThat(env)
        .containsEntry("CLIENT_ID", "orders")
        .containsEntry("SUBJECT_TOKEN_FILE", FederatedCredentials.KUBERNETES_TOKEN_FILE.toString());
  }

  /** The YAML documents of an example, read by PyYAML (as kubectl and GitHub read YAML). */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yaml(String name) throws Exception {
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  "import json, sys, yaml\n"
                      + "print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1]))],"
                      + " default=str))",
                  example(name).toString())
              .redirectErrorStream(true)
              .start();
    } catch (java.io.IOException e) {
      assumeTrue(!"true".equals(System.getenv("CI")), "python3 is missing: .ci/run installs it");
      assumeTrue(false, "python3 is not installed: the example's YAML is not read");
      throw e;
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (process.exitValue() != 0 && output.contains("No module named 'yaml'")) {
      assertThat(System.getenv("CI")).as("PyYAML is missing under CI").isNotEqualTo("true");
      assumeTrue(false, "PyYAML is not installed: the example's YAML is not read");
    }
    assertThat(process.exitValue()).as(output).isZero();
    return (List<Map<String, Object>>) (List<?>) JSONArrayUtils.parse(output);
  }
}
