package io.tokenbroker.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * template.yaml as CloudFormation will see it: transformed by aws-sam-translator (the library
 * behind {@code sam deploy}), with local CodeUris replaced by S3 locations as {@code sam package}
 * does. Used by system-tests' TemplateIT and IamContractIT.
 *
 * <p>Without aws-sam-translator the checks that need it skip, with a message; under {@code CI=true}
 * they fail instead ({@code .ci/run} installs it), so that CI never passes by skipping them.
 */
public final class SamTemplate {

  private static final String TRANSFORM =
      """
      import json, sys
      from samtranslator.yaml_helper import yaml_parse
      from samtranslator.translator.transform import transform
      from samtranslator.public.exceptions import InvalidDocumentException
      class NoManagedPolicies:
          def load(self): return {}
      template = yaml_parse(open(sys.argv[1]).read())
      template.get('Globals', {}).get('Function', {}).pop('CodeUri', None)
      for resource in template['Resources'].values():
          if resource['Type'] == 'AWS::Serverless::Function':
              resource['Properties']['CodeUri'] = 's3://packaged-by-sam/code.zip'
      try:
          with open(sys.argv[2], 'w') as out:
              json.dump(transform(template, {}, NoManagedPolicies()), out)
      except InvalidDocumentException as e:
          print('INVALID: ' + '; '.join(str(c) for c in e.causes), file=sys.stderr)
          sys.exit(1)
      """;

  /** The whole transformed template (Parameters, Conditions, Resources, ...). */
  public final Map<String, Object> json;

  public final Map<String, Object> resources;
  public final Map<String, Object> parameters;

  private SamTemplate(Map<String, Object> transformed) {
    this.json = transformed;
    this.resources = object(transformed, "Resources");
    this.parameters = object(transformed, "Parameters");
  }

  public static Path file() {
    return EventFiles.projectRoot().resolve("template.yaml");
  }

  /**
   * The transformed template, or empty if aws-sam-translator is not installed (then a message says
   * so on stderr); under {@code CI=true} a missing translator fails instead.
   */
  public static Optional<SamTemplate> transformed() throws IOException, InterruptedException {
    if (run("python3", "-c", "import samtranslator").exitCode() != 0) {
      return missing("aws-sam-translator", "pip install aws-sam-translator");
    }
    Path output = Files.createTempFile("template-transformed", ".json");
    try {
      Result result = run("python3", "-c", TRANSFORM, file().toString(), output.toString());
      if (result.exitCode() != 0) {
        throw new AssertionError("aws-sam-translator rejected template.yaml: " + result.output());
      }
      return Optional.of(new SamTemplate(JSONObjectUtils.parse(Files.readString(output))));
    } catch (ParseException e) {
      throw new AssertionError("translator output is not JSON", e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /**
   * Empty, with a visible message, when a tool is not installed; under {@code CI=true} an error: CI
   * must run every check.
   */
  public static <T> Optional<T> missing(String tool, String install) {
    String message = tool + " is not installed (" + install + "): the checks that need it skip";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(tool + " is not installed, and CI=true must not skip: " + install);
    }
    System.err.println("WARNING: " + message);
    return Optional.empty();
  }

  public Map<String, Map<String, Object>> ofType(String type) {
    Map<String, Map<String, Object>> matching = new LinkedHashMap<>();
    resources.forEach(
        (name, resource) -> {
          Map<String, Object> r = object(resource);
          if (type.equals(r.get("Type"))) {
            matching.put(name, object(r, "Properties"));
          }
        });
    return matching;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object value) {
    return (Map<String, Object>) value;
  }

  public static Map<String, Object> object(Map<String, Object> json, String name) {
    return object(json.get(name));
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(Map<String, Object> json, String name) {
    return (List<Object>) json.get(name);
  }

  public record Result(int exitCode, String output) {}

  /** Runs a command with stderr merged into the output; exit code 127 if it is not installed. */
  public static Result run(String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The translator resolves pseudo-parameters for a region; any will do.
    builder.environment().putIfAbsent("AWS_DEFAULT_REGION", "us-east-1");
    Process process;
    try {
      process = builder.start();
    } catch (IOException notInstalled) {
      return new Result(127, "");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command[0] + " did not finish");
    }
    return new Result(process.exitValue(), output);
  }
}
