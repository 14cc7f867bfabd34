package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.testing.EventFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/schemas/trust-policy.schema.json and the parser ({@link TrustPolicyJson}, {@link
 * TrustPolicy}) agree: the schema's examples (GitHub Actions, GitLab CI, Kubernetes) are valid and
 * accepted, and both refuse each bad document below. What a schema cannot say (a pattern compiles,
 * alternatives are grouped, caps lie within the client's) the parser alone refuses: listed apart.
 */
class TrustPolicySchemaTest {

  private static final String GOOD =
      """
      {"name": "p", "issuer": "https://issuer.example.com", "audience": "https://broker.example.com"      %s}\
      """;

  private static Schema schema;

  private static Schema schema() throws IOException {
    if (schema == null) {
      String text =
          Files.readString(
              EventFiles.projectRoot().resolve("docs/schemas/trust-policy.schema.json"));
      schema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(text, InputFormat.JSON);
    }
    return schema;
  }

  private static List<?> schemaErrors(String document) throws IOException {
    return schema().validate(document, InputFormat.JSON);
  }

  @Test
  void theSchemaExamplesAreValidAndAcceptedByTheParser() throws Exception {
    Map<String, Object> root =
        JSONObjectUtils.parse(
            Files.readString(
                EventFiles.projectRoot().resolve("docs/schemas/trust-policy.schema.json")));
    List<Object> examples = JSONObjectUtils.getJSONArray(root, "examples");

    assertThat(examples).hasSize(3);
    for (Object example : examples) {
      String document = JSONObjectUtils.toJSONString((Map<String, Object>) example);
      assertThat(schemaErrors(document)).as(document).isEmpty();
      TrustPolicy policy = TrustPolicyJson.parse(document);
      assertThat(TrustPolicyJson.toJson(policy)).as("read back").isNotEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ", \"subject\": \"repo:acme/app:ref:refs/heads/main\"",
        ", \"subject\": \"s\", \"claims\": {\"/kubernetes.io/namespace\": \"payments\", \"ref\":"
            + " {\"pattern\": \"^refs/heads/(main|release)$\"}}",
        ", \"subject\": {\"pattern\": \"^repo:acme/app\\\\$$\"}, \"claims\": {\"owner_id\":"
            + " \"7\"}",
        ", \"subject\": \"s\", \"algorithms\": [\"ES256\", \"PS256\"], \"max_token_age_seconds\":"
            + " 60, \"single_use\": false",
        ", \"subject\": \"s\", \"jwks_uri\": \"https://issuer.example.com/keys\", \"scopes\":"
            + " [\"a:b\"], \"audiences\": [\"x\"]",
      })
  void bothAcceptAGoodDocument(String more) throws IOException {
    String document = GOOD.formatted(more);

    assertThat(schemaErrors(document)).as(document).isEmpty();
    assertThatCode(() -> TrustPolicyJson.parse(document)).as(document).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // what is missing or of the wrong type
        "{\"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\": \"s\"}",
        "{\"name\": \"p\", \"audience\": \"a\", \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " 7}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"single_use\": \"yes\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"max_token_age_seconds\": 90.5}",
        // unknown members
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"subjects\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^s$\", \"flags\": \"i\"}}",
        // patterns not anchored
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"repo:acme/.*\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^repo:acme/.*\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^repo:acme\\\\$\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"claims\": {\"ref\": {\"pattern\": \"refs/heads/main$\"}}}",
        // issuers and URLs
        "{\"name\": \"p\", \"issuer\": \"http://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com/?q=1\", \"audience\": \"a\","
            + " \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com/#f\", \"audience\": \"a\","
            + " \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://me@i.example.com\", \"audience\": \"a\","
            + " \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"jwks_uri\": \"http://i.example.com/keys\"}",
        // algorithms, bounds, lists
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"algorithms\": [\"HS256\"]}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"algorithms\": [\"none\"]}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"algorithms\": []}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"algorithms\": [\"RS256\", \"RS256\"]}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"max_token_age_seconds\": 59}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"max_token_age_seconds\": 86401}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"max_lifetime_seconds\": 30}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"scopes\": []}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"scopes\": [\"a\", \"a\"]}",
        "{\"name\": \"has space\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\","
            + " \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"has space\","
            + " \"subject\": \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"\"}",
        // claim names that are no JSON Pointer
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"claims\": {\"/a~2b\": \"x\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"claims\": {\"/a//b\": \"x\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"claims\": {\"/\": \"x\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"claims\": {\"ref\": [\"x\"]}}",
        // no exact condition: patterns alone match any workload of the issuer
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^repo:.*$\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^.*$\"}, \"claims\": {}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^.*$\"}, \"claims\": {\"owner\": {\"pattern\": \"^acme$\"}}}",
        // one spelling per issuer: the host in lower case
        "{\"name\": \"p\", \"issuer\": \"https://GitLab.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"HTTPS://gitlab.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\"}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"jwks_uri\": \"https://I.example.com/keys\"}",
      })
  void bothRefuseABadDocument(String document) throws IOException {
    assertThat(schemaErrors(document)).as("schema: " + document).isNotEmpty();
    assertThatThrownBy(() -> TrustPolicyJson.parse(document))
        .as("parser: " + document)
        .isInstanceOf(InvalidClientPolicy.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^a$|^b$\"}, \"claims\": {\"owner_id\": \"7\"}}",
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " {\"pattern\": \"^repo:(acme$\"}, \"claims\": {\"owner_id\": \"7\"}}",
        // a name given twice: JSON Schema sees the last one only
        "{\"name\": \"p\", \"issuer\": \"https://i.example.com\", \"audience\": \"a\", \"subject\":"
            + " \"s\", \"subject\": \"t\"}",
      })
  void theParserAloneRefusesWhatTheSchemaCannotSay(String document) throws IOException {
    assertThat(schemaErrors(document)).as("schema: " + document).isEmpty();
    assertThatThrownBy(() -> TrustPolicyJson.parse(document))
        .isInstanceOf(InvalidClientPolicy.class);
  }
}
