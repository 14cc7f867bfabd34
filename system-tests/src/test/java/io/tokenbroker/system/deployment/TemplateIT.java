package io.tokenbroker.system.deployment;

import static io.tokenbroker.testing.SamTemplate.list;
import static io.tokenbroker.testing.SamTemplate.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.dynamodb.BrokerTables.TableSpec;
import io.tokenbroker.identifiers.Scope;
import io.tokenbroker.identifiers.ScopeSet;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.SamTemplate;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml lints clean, transforms, and declares what the code expects. */
class TemplateIT {

  private static SamTemplate template;

  @BeforeAll
  static void transform() throws Exception {
    template = SamTemplate.transformed().orElse(null);
  }

  private static SamTemplate template() {
    assumeTrue(template != null, "aws-sam-translator is not installed: template checks skipped");
    return template;
  }

  @Test
  void passesCfnLintWithoutFindings() throws Exception {
    SamTemplate.Result lint = SamTemplate.run("cfn-lint", SamTemplate.file().toString());
    if (lint.exitCode() == 127) {
      SamTemplate.missing("cfn-lint", "pip install cfn-lint"); // fails under CI=true
      assumeTrue(false, "cfn-lint is not installed: lint skipped");
    }

    assertThat(lint.output()).isEmpty();
    assertThat(lint.exitCode()).isZero();
  }

  @Test
  void runsEveryFunctionOnJava25Arm64WithAHandlerThatExists() throws Exception {
    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    assertThat(functions).isNotEmpty();
    for (Map<String, Object> function : functions.values()) {
      assertThat(function).containsEntry("Runtime", "java25");
      assertThat(list(function, "Architectures")).containsExactly("arm64");
      String handler = (String) function.get("Handler");
      Class<?> handlerClass = Class.forName(handler.substring(0, handler.indexOf("::")));
      assertThat(RequestStreamHandler.class).isAssignableFrom(handlerClass);
      assertThat(handlerClass.getConstructor()).isNotNull();
      assertThat(object(function, "TracingConfig")).containsEntry("Mode", "Active");
      assertThat(object(function, "LoggingConfig")).containsKey("LogGroup");
    }
  }

  /**
   * The DPoP nonce key exists only when nonces are required, is an HMAC key, and carries the tag
   * the token function's GenerateMac grant goes by, never the signing keys' tag (which key rotation
   * and kms:Sign go by).
   */
  @Test
  @SuppressWarnings("unchecked")
  void declaresTheDpopNonceKeyAsAConditionalHmacKeyWithItsOwnTag() {
    Map<String, Object> key = template().ofType("AWS::KMS::Key").get("DpopNonceKey");
    assertThat(key).as("DpopNonceKey").isNotNull();
    assertThat(key)
        .containsEntry("KeySpec", "HMAC_256")
        .containsEntry("KeyUsage", "GENERATE_VERIFY_MAC");
    String tags = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(Map.of("t", key.get("Tags")));
    assertThat(tags).contains("token-broker-dpop-nonces").doesNotContain("\"token-broker\"");
  }

  /**
   * SnapStart serves published versions only: every request-path function publishes one behind the
   * {@code live} alias, and everything that invokes it (the API's integrations and authorizer, the
   * invoke permissions, the authorizer output) names that alias, never the unqualified function
   * ($LATEST, which would cold-start without a snapshot). Key rotation is scheduled and
   * latency-insensitive; it stays on plain on-demand init.
   */
  @Test
  void servesEveryRequestPathFunctionFromASnapStartAlias() {
    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    Map<String, Map<String, Object>> aliases = template().ofType("AWS::Lambda::Alias");
    List<String> requestPath =
        List.of(
            "TokenFunction",
            "AuthorizerFunction",
            "DiscoveryFunction",
            "RevocationFunction",
            "IntrospectionFunction");
    for (String function : requestPath) {
      assertThat(object(functions.get(function), "SnapStart"))
          .as(function)
          .containsEntry("ApplyOn", "PublishedVersions");
      Map<String, Object> alias = aliases.get(function + "Aliaslive");
      assertThat(alias).as(function + " alias").isNotNull().containsEntry("Name", "live");
      assertThat(object(alias, "FunctionName")).containsEntry("Ref", function);
      assertThat(object(alias, "FunctionVersion")).containsKey("Fn::GetAtt");
    }
    assertThat(functions.get("KeyRotationFunction")).doesNotContainKey("SnapStart");

    for (Map.Entry<String, Map<String, Object>> permission :
        template().ofType("AWS::Lambda::Permission").entrySet()) {
      Object getAtt = object(permission.getValue(), "FunctionName").get("Fn::GetAtt");
      if (getAtt != null && String.valueOf(getAtt).contains("AnomalyDetectorFunction")) {
        continue; // CloudWatch Logs invokes the detector: no SnapStart, no alias
      }
      Object target = object(permission.getValue(), "FunctionName").get("Ref");
      assertThat(String.valueOf(target))
          .as(permission.getKey() + " must allow the alias, not the function")
          .endsWith("Aliaslive");
    }

    String api =
        com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
            template().ofType("AWS::ApiGateway::RestApi").values().iterator().next());
    java.util.regex.Matcher invocations =
        java.util.regex.Pattern.compile(
                "function:\\$\\{AWS::StackName}-([a-z-]+)(:[a-z]+)?\\\\?/invocations")
            .matcher(api);
    int integrations = 0;
    while (invocations.find()) {
      integrations++;
      assertThat(invocations.group(2)).as(invocations.group()).isEqualTo(":live");
    }
    assertThat(integrations).as("integrations and the authorizer found in the API").isEqualTo(11);
  }

  /**
   * The authorizer's JIT is a deployment choice (issue 13): parameter AuthorizerJit, full tiered
   * compilation by default (docs/performance.md, "The authorizer's JIT"), C1 only on request, set
   * through the authorizer's JAVA_TOOL_OPTIONS; no other function sets it, so they run with what
   * Lambda chooses.
   */
  @Test
  @SuppressWarnings("unchecked")
  void letsTheAuthorizersJitBeChosenWithFullTieredCompilationByDefault() {
    Map<String, Object> parameter = object(template().parameters, "AuthorizerJit");
    assertThat(parameter).containsEntry("Default", "tiered");
    assertThat(list(parameter, "AllowedValues")).containsExactly("tiered", "c1-only");
    assertThat(object(template().json, "Conditions"))
        .containsEntry(
            "AuthorizerC1Only",
            Map.of("Fn::Equals", List.of(Map.of("Ref", "AuthorizerJit"), "c1-only")));

    Map<String, Map<String, Object>> functions = template().ofType("AWS::Lambda::Function");
    Map<String, Object> options =
        object(
            object(object(functions.get("AuthorizerFunction"), "Environment"), "Variables"),
            "JAVA_TOOL_OPTIONS");
    assertThat(options)
        .containsEntry(
            "Fn::If",
            List.of(
                "AuthorizerC1Only",
                "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
                "-XX:+TieredCompilation -XX:TieredStopAtLevel=4"));
    functions.forEach(
        (name, function) -> {
          if (!name.equals("AuthorizerFunction")) {
            Map<String, Object> environment = object(function, "Environment");
            assertThat(environment == null ? Map.of() : object(environment, "Variables"))
                .as(name)
                .doesNotContainKey("JAVA_TOOL_OPTIONS");
          }
        });
  }

  @Test
  void givesEveryFunctionAMakefileBuildTarget() throws Exception {
    String makefile = Files.readString(EventFiles.projectRoot().resolve("Makefile"));
    for (String logicalId : template().ofType("AWS::Lambda::Function").keySet()) {
      assertThat(makefile).contains("build-" + logicalId + ":");
    }
  }

  @Test
  void declaresTheTablesTheCodeUses() {
    Map<String, Map<String, Object>> tables = template().ofType("AWS::DynamoDB::Table");
    List<TableSpec> specs = BrokerTables.withPrefix("").specs();
    assertThat(tables).hasSameSizeAs(specs);
    for (TableSpec spec : specs) {
      Map<String, Object> table = tableWithKey(tables, spec.partitionKey(), spec.sortKey());
      assertThat(object(table, "PointInTimeRecoverySpecification"))
          .containsEntry("PointInTimeRecoveryEnabled", true);
      assertThat(object(table, "SSESpecification")).containsEntry("SSEEnabled", true);
      assertThat(table).containsEntry("BillingMode", "PAY_PER_REQUEST");
      if (spec.ttlAttribute() != null) {
        assertThat(object(table, "TimeToLiveSpecification"))
            .containsEntry("AttributeName", spec.ttlAttribute())
            .containsEntry("Enabled", true);
      }
    }
  }

  @Test
  void keepsEveryLogGroupForAStatedTime() {
    Map<String, Map<String, Object>> logGroups = template().ofType("AWS::Logs::LogGroup");
    assertThat(logGroups).hasSameSizeAs(template().ofType("AWS::Lambda::Function"));
    logGroups.values().forEach(group -> assertThat(group).containsKey("RetentionInDays"));
  }

  @Test
  void grantsKmsRightsOnlyWhereNeededAndOnlyOverTheBrokersTaggedKeys() {
    Map<String, Map<String, Object>> roles = template().ofType("AWS::IAM::Role");
    assertThat(roles)
        .containsKeys(
            "TokenFunctionRole",
            "AuthorizerFunctionRole",
            "DiscoveryFunctionRole",
            "KeyRotationFunctionRole");
    roles.forEach(
        (role, properties) -> {
          List<Map<String, Object>> statements = statements(properties);
          for (Map<String, Object> statement : statements) {
            String actions = String.valueOf(statement.get("Action"));
            String json = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(statement);
            assertThat(actions).as(role).doesNotContain("*\"").doesNotContain(":*");
            if (!actions.contains("kms:")) {
              assertThat(json).as(role).doesNotContain("\"Resource\":\"*\"");
              continue;
            }
            if (actions.equals("kms:GenerateMac")) {
              // DPoP nonces: the functions that check proofs, on the stack's nonce key only (by its
              // own tag, not the signing keys').
              assertThat(role).isIn("TokenFunctionRole", "AuthorizerFunctionRole");
              assertThat(json).contains("aws:ResourceTag/token-broker-dpop-nonces");
              continue;
            }
            switch (role) {
              case "TokenFunctionRole" -> {
                // Sign: minting; GetPublicKey: token exchange confirms a subject token's key.
                assertThat(actions).isIn("kms:Sign", "kms:GetPublicKey");
                assertThat(json).contains("\"aws:ResourceTag/token-broker\"");
              }
              case "KeyRotationFunctionRole" -> {
                assertThat(actions).doesNotContain("kms:Sign");
                if (actions.contains("CreateKey") || actions.contains("TagResource")) {
                  // KMS checks CreateKey's tags as TagResource: both only with the broker's tag.
                  assertThat(json).contains("aws:RequestTag/token-broker").contains("aws:TagKeys");
                } else if (actions.contains("DisableKey")
                    || actions.contains("ScheduleKeyDeletion")) {
                  assertThat(json).contains("aws:ResourceTag/token-broker");
                } else if (json.contains("\"Resource\":\"*\"")) {
                  assertThat(actions).isEqualTo("kms:ListKeys");
                }
              }
              case "AuthorizerFunctionRole",
                  "DiscoveryFunctionRole",
                  "RevocationFunctionRole",
                  "IntrospectionFunctionRole" -> {
                // Verifiers confirm a published key with KMS, only on the broker's tagged keys.
                assertThat(actions).as(role).isEqualTo("kms:GetPublicKey");
                assertThat(json).as(role).contains("aws:ResourceTag/token-broker");
              }
              default -> throw new AssertionError(role + " must have no KMS rights: " + actions);
            }
          }
        });
  }

  /**
   * RFC 8705 in AWS: the API on a custom domain with mutual TLS, off by default (every resource of
   * it under the MtlsOn condition, which an empty MtlsDomainName leaves false), with its ACM
   * certificate and S3 truststore (version required), the stage mapped at its root, the execute-api
   * endpoint disabled when it is on (it would skip the truststore), the authorizer's cache off (it
   * is keyed by the token alone, so a cached Allow would ignore the certificate), and discovery
   * told the mutual TLS base URL (mtls_endpoint_aliases).
   */
  @Test
  void servesTheApiOnAMutualTlsDomainOnlyWhenOneIsConfigured() {
    SamTemplate t = template();
    for (String name :
        List.of(
            "MtlsDomainName", "MtlsCertificateArn", "MtlsTruststoreUri", "MtlsTruststoreVersion")) {
      assertThat(object(t.parameters, name)).as(name).containsEntry("Default", "");
    }
    assertThat(object(object(t.json, "Conditions"), "MtlsOn"))
        .isEqualTo(
            Map.of(
                "Fn::Not",
                List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "MtlsDomainName"), "")))));
    // The truststore version is required: API Gateway reads the truststore only when the domain
    // is updated, so a removed certificate reaches it only through a stack update naming a version.
    assertThat(
            list(
                object(object(t.json, "Rules"), "MtlsNeedsItsCertificateAndTruststore"),
                "Assertions"))
        .extracting(assertion -> object(assertion).get("Assert"))
        .contains(
            Map.of(
                "Fn::Not",
                List.of(
                    Map.of("Fn::Equals", List.of(Map.of("Ref", "MtlsTruststoreVersion"), "")))));

    Map<String, Object> domain = object(t.resources, "MtlsDomain");
    assertThat(domain).containsEntry("Type", "AWS::ApiGateway::DomainName");
    assertThat(domain).containsEntry("Condition", "MtlsOn");
    Map<String, Object> domainProperties = object(domain, "Properties");
    assertThat(domainProperties)
        .containsEntry("DomainName", Map.of("Ref", "MtlsDomainName"))
        .containsEntry("RegionalCertificateArn", Map.of("Ref", "MtlsCertificateArn"))
        .containsEntry("EndpointConfiguration", Map.of("Types", List.of("REGIONAL")))
        .containsEntry("SecurityPolicy", "TLS_1_2");
    assertThat(object(domainProperties, "MutualTlsAuthentication"))
        .containsEntry("TruststoreUri", Map.of("Ref", "MtlsTruststoreUri"))
        .containsEntry("TruststoreVersion", Map.of("Ref", "MtlsTruststoreVersion"));

    Map<String, Object> mapping = object(t.resources, "MtlsBasePathMapping");
    assertThat(mapping).containsEntry("Type", "AWS::ApiGateway::BasePathMapping");
    assertThat(mapping).containsEntry("Condition", "MtlsOn");
    Map<String, Object> mappingProperties = object(mapping, "Properties");
    assertThat(mappingProperties)
        .containsEntry("DomainName", Map.of("Ref", "MtlsDomain"))
        .containsEntry("RestApiId", Map.of("Ref", "BrokerApi"))
        .doesNotContainKey("BasePath"); // the stage at the domain's root: /token, /demo/...
    String stage = (String) object(mappingProperties, "Stage").get("Ref");
    assertThat(object(t.resources, stage).get("Type")).isEqualTo("AWS::ApiGateway::Stage");

    Map<String, Object> body =
        object(t.ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body");
    assertThat(
            object(
                object(list(body, "servers").getFirst()),
                "x-amazon-apigateway-endpoint-configuration"))
        .containsEntry(
            "disableExecuteApiEndpoint", Map.of("Fn::If", List.of("MtlsOn", true, false)));
    Map<String, Object> authorizer =
        object(
            object(object(object(body, "components"), "securitySchemes"), "brokerAuthorizer"),
            "x-amazon-apigateway-authorizer");
    assertThat(authorizer)
        .containsEntry(
            "authorizerResultTtlInSeconds",
            Map.of("Fn::If", List.of("MtlsOn", 0L, Map.of("Ref", "AuthorizerCacheTtlSeconds"))));

    // Discovery advertises the aliases; the token function accepts DPoP proofs naming them.
    for (String function : List.of("DiscoveryFunction", "TokenFunction")) {
      Map<String, Object> env =
          object(
              object(t.ofType("AWS::Lambda::Function").get(function), "Environment"), "Variables");
      assertThat(env)
          .as(function)
          .containsEntry(
              "MTLS_BASE_URL",
              Map.of(
                  "Fn::If",
                  List.of(
                      "MtlsOn",
                      Map.of("Fn::Sub", "https://${MtlsDomainName}"),
                      Map.of("Ref", "AWS::NoValue"))));
    }

    // tls_client_auth names are vouched for by these CAs only, not by every truststore anchor.
    for (String function :
        List.of("TokenFunction", "RevocationFunction", "IntrospectionFunction")) {
      assertThat(
              object(
                  object(t.ofType("AWS::Lambda::Function").get(function), "Environment"),
                  "Variables"))
          .as(function)
          .containsEntry(
              "TLS_CLIENT_AUTH_CA_CERTS",
              Map.of(
                  "Fn::If",
                  List.of(
                      "MtlsOn",
                      Map.of("Ref", "MtlsClientAuthCaCerts"),
                      Map.of("Ref", "AWS::NoValue"))));
    }
  }

  /**
   * SAM names the API's deployment by a hash of the unresolved template, so flipping MtlsDomainName
   * (an !If in disableExecuteApiEndpoint and the authorizer's cache TTL) alone would make no new
   * deployment: execute-api would stay on and the gateway's cache unchanged while the functions saw
   * AUTHORIZER_RESULT_TTL_SECONDS=0. Every stack update must deploy the API: two transforms a
   * second apart name two deployments.
   */
  @Test
  void deploysTheApiOnEveryStackUpdateSoParameterSwitchesReachIt() throws Exception {
    String first = deploymentOf(template());
    Thread.sleep(1100); // AlwaysDeploy hashes the time in whole seconds
    String second = deploymentOf(SamTemplate.transformed().orElseThrow());
    assertThat(second).isNotEqualTo(first);
  }

  private static String deploymentOf(SamTemplate t) {
    assertThat(t.ofType("AWS::ApiGateway::Deployment")).hasSize(1);
    return t.ofType("AWS::ApiGateway::Deployment").keySet().iterator().next();
  }

  /**
   * PublishedScopes' AllowedPattern admits exactly what the discovery function's PUBLISHED_SCOPES
   * parser accepts: a scope over Scope.MAX_LENGTH that deployed would fail every start of the
   * function that also serves the JWKS.
   */
  @Test
  void acceptsAsPublishedScopesExactlyWhatTheDiscoveryFunctionParses() {
    Map<String, Object> parameter = object(template().parameters, "PublishedScopes");
    java.util.regex.Pattern allowed =
        java.util.regex.Pattern.compile((String) parameter.get("AllowedPattern"));
    String longest = "s".repeat(Scope.MAX_LENGTH);
    for (String sample :
        List.of(
            "",
            "orders:read",
            "orders:read orders:write",
            longest,
            longest + " " + longest,
            "a".repeat(Scope.MAX_LENGTH + 1),
            "orders:read " + "a".repeat(Scope.MAX_LENGTH + 1),
            "orders:read  orders:write",
            " orders:read",
            "orders:read ",
            "a\"b",
            "a\\b",
            "caf\u00e9",
            "!#[]~")) {
      boolean parses = sample.isEmpty() || ScopeSet.parse(sample).isPresent();
      assertThat(allowed.matcher(sample).matches()).as(sample).isEqualTo(parses);
    }
  }

  /**
   * The operators' route admits only the roles in OperatorPrincipalArns: the API's resource policy
   * denies everyone else there (the revocation function checks again, from the same parameter). A
   * small evaluation of the policy as API Gateway would apply it (explicit Deny wins; the Allow
   * covers every route), for an operator, a workload role, and the empty default.
   */
  /**
   * API Gateway caches an authorizer's answer by its identity source, the Authorization header: a
   * cached Allow for a DPoP request would let a stolen DPoP-bound token in with no proof. The
   * authorizer is told the cache TTL it sits behind (the same parameter) and accepts DPoP-bound
   * tokens only when it is 0; the gateway responses carry the DPoP challenges API Gateway can.
   */
  @Test
  @SuppressWarnings("unchecked")
  void tellsTheAuthorizerItsResultCacheAndCarriesDpopChallenges() {
    // The operator's TTL, but no cache with mTLS on (a cached decision would skip the certificate).
    Object cacheTtl =
        Map.of("Fn::If", List.of("MtlsOn", 0L, Map.of("Ref", "AuthorizerCacheTtlSeconds")));
    Map<String, Object> body =
        object(template().ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body");
    Map<String, Object> authorizer =
        object(
            object(object(object(body, "components"), "securitySchemes"), "brokerAuthorizer"),
            "x-amazon-apigateway-authorizer");
    assertThat(authorizer)
        .containsEntry("identitySource", "method.request.header.Authorization")
        .containsEntry("authorizerResultTtlInSeconds", cacheTtl);
    Map<String, Object> function =
        template().ofType("AWS::Lambda::Function").get("AuthorizerFunction");
    assertThat(object(object(function, "Environment"), "Variables"))
        .containsEntry("AUTHORIZER_RESULT_TTL_SECONDS", cacheTtl);
    assertThat(object(template().parameters, "AuthorizerCacheTtlSeconds"))
        .containsEntry("Default", 0L);

    Map<String, Object> responses = object(body, "x-amazon-apigateway-gateway-responses");
    assertThat(object(object(responses, "UNAUTHORIZED"), "responseParameters"))
        .containsEntry(
            "gatewayresponse.header.WWW-Authenticate", "'Bearer, DPoP algs=\"ES256 RS256 PS256\"'");
    assertThat(object(responses, "ACCESS_DENIED")).containsEntry("statusCode", 403L);
    assertThat(object(object(responses, "ACCESS_DENIED"), "responseParameters"))
        .containsEntry(
            "gatewayresponse.header.WWW-Authenticate", "context.authorizer.www_authenticate")
        .containsEntry("gatewayresponse.header.DPoP-Nonce", "context.authorizer.dpop_nonce");
  }

  @Test
  void letsOnlyOperatorRolesReachTheAdminRouteThroughTheApiResourcePolicy() {
    Map<String, Object> parameter = object(template().parameters, "OperatorPrincipalArns");
    assertThat(parameter).containsEntry("Type", "String").containsEntry("Default", "");
    java.util.regex.Pattern allowed =
        java.util.regex.Pattern.compile((String) parameter.get("AllowedPattern"));
    String operator = "arn:aws:iam::123456789012:role/ops/broker-operator";
    String other = "arn:aws-us-gov:iam::123456789012:role/second-operator";
    for (String ok : List.of("", operator, operator + "," + other)) {
      assertThat(allowed.matcher(ok).matches()).as(ok).isTrue();
    }
    for (String bad :
        List.of(
            "*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::123456789012:user/ops",
            "arn:aws:sts::123456789012:assumed-role/ops/s1",
            operator + ", " + other,
            operator + ",")) {
      assertThat(allowed.matcher(bad).matches()).as(bad).isFalse();
    }
    Map<String, Object> revocation =
        template().ofType("AWS::Lambda::Function").get("RevocationFunction");
    assertThat(
            object(object(revocation, "Environment"), "Variables").get("OPERATOR_PRINCIPAL_ARNS"))
        .isEqualTo(Map.of("Ref", "OperatorPrincipalArns"));

    Map<String, Object> policy =
        object(
            object(template().ofType("AWS::ApiGateway::RestApi").get("BrokerApi"), "Body"),
            "x-amazon-apigateway-policy");
    String admin = "execute-api:/prod/POST/admin/revocations";
    String workload = "arn:aws:iam::123456789012:role/ci-deployer";
    String second = "arn:aws:iam::123456789012:role/second-operator";
    assertThat(invokes(policy, operator, admin, operator + "," + second)).isTrue();
    assertThat(invokes(policy, second, admin, operator + "," + second)).isTrue();
    assertThat(invokes(policy, workload, admin, operator)).isFalse();
    assertThat(invokes(policy, null, admin, operator)).as("anonymous").isFalse();
    assertThat(invokes(policy, operator, admin, "")).as("no operators: nobody").isFalse();
    String foreignRole = "arn:aws:iam::210987654321:role/broker-operator";
    for (String iamRoute :
        List.of(
            "execute-api:/prod/POST/token/iam",
            "execute-api:/prod/POST/revoke/iam",
            "execute-api:/prod/POST/introspect/iam",
            admin)) {
      assertThat(invokes(policy, foreignRole, iamRoute, foreignRole))
          .as("another account's role on " + iamRoute)
          .isFalse();
    }
    for (String open :
        List.of(
            "execute-api:/prod/POST/token",
            "execute-api:/prod/POST/revoke",
            "execute-api:/prod/POST/introspect",
            "execute-api:/prod/GET/.well-known/jwks.json",
            "execute-api:/prod/GET/demo/hello")) {
      assertThat(verdict(policy, null, open, operator)).as(open).isEqualTo(Verdict.ALLOW);
    }
    // The IAM routes get no Allow from the resource policy: a caller of this account needs
    // execute-api:Invoke in its own IAM policy (README), as before the resource policy existed.
    for (String iamRoute :
        List.of(
            "execute-api:/prod/POST/token/iam",
            "execute-api:/prod/POST/revoke/iam",
            "execute-api:/prod/POST/introspect/iam")) {
      assertThat(verdict(policy, workload, iamRoute, "")).as(iamRoute).isEqualTo(Verdict.NONE);
      assertThat(invokes(policy, workload, iamRoute, "")).as(iamRoute).isTrue();
      assertThat(invokes(policy, null, iamRoute, operator)).as(iamRoute).isFalse();
    }
    assertThat(verdict(policy, operator, admin, operator)).isEqualTo(Verdict.NONE);
  }

  private static final String ACCOUNT = "123456789012";

  /** What the resource policy says of a request: explicit Allow, explicit Deny, or nothing. */
  private enum Verdict {
    ALLOW,
    DENY,
    NONE
  }

  /**
   * Whether API Gateway lets {@code principal} (null: anonymous) invoke {@code resource}, with
   * OperatorPrincipalArns set to {@code operators}, for a caller whose own IAM policy grants
   * execute-api:Invoke: an explicit Deny wins; a principal of the API's account is then allowed by
   * its IAM policy alone; anyone else needs the resource policy's Allow.
   */
  private static boolean invokes(
      Map<String, Object> policy, String principal, String resource, String operators) {
    return switch (verdict(policy, principal, resource, operators)) {
      case DENY -> false;
      case ALLOW -> true;
      case NONE -> principal != null && principal.startsWith("arn:aws:iam::" + ACCOUNT + ":");
    };
  }

  /**
   * The resource policy's own verdict. Knows exactly the features this policy uses; anything else
   * fails the test.
   */
  private static Verdict verdict(
      Map<String, Object> policy, String principal, String resource, String operators) {
    boolean allowed = false;
    for (Object s : list(policy, "Statement")) {
      Map<String, Object> statement = object(s);
      assertThat(statement).containsEntry("Principal", "*");
      assertThat(statement).containsEntry("Action", "execute-api:Invoke");
      Object resources = statement.get("Resource");
      if ((resources instanceof List<?> many ? many : List.of(resources))
          .stream().noneMatch(r -> glob((String) r, resource))) {
        continue;
      }
      boolean applies = true;
      if (statement.containsKey("Condition")) {
        Map<String, Object> condition = object(statement, "Condition");
        assertThat(condition.keySet()).containsExactly("StringNotLike");
        Map<String, Object> notLike = object(condition, "StringNotLike");
        assertThat(notLike.keySet()).containsExactly("aws:PrincipalArn");
        Object value = notLike.get("aws:PrincipalArn");
        List<String> patterns;
        if (value.equals(
            Map.of("Fn::Split", List.of(",", Map.of("Ref", "OperatorPrincipalArns"))))) {
          patterns = List.of(operators.split(",", -1));
        } else {
          assertThat(value)
              .isEqualTo(Map.of("Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:*"));
          patterns = List.of("arn:aws:iam::" + ACCOUNT + ":*");
        }
        // A negated operator is true when the key is absent (an anonymous caller).
        applies = principal == null || patterns.stream().noneMatch(p -> glob(p, principal));
      }
      if (!applies) {
        continue;
      }
      switch ((String) statement.get("Effect")) {
        case "Deny" -> {
          return Verdict.DENY;
        }
        case "Allow" -> allowed = true;
        default -> throw new AssertionError("unexpected effect " + statement);
      }
    }
    return allowed ? Verdict.ALLOW : Verdict.NONE;
  }

  /** IAM's wildcard match: {@code *} any run of characters, {@code ?} one. */
  private static boolean glob(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> java.util.regex.Pattern.quote(String.valueOf(c));
          });
    }
    return value.matches(regex.toString());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(Map<String, Object> role) {
    List<Map<String, Object>> statements = new java.util.ArrayList<>();
    for (Object policy : (List<Object>) role.getOrDefault("Policies", List.of())) {
      Map<String, Object> document = object(object(policy), "PolicyDocument");
      statements.addAll((List<Map<String, Object>>) (List<?>) list(document, "Statement"));
    }
    return statements;
  }

  /** A table with this key schema (sortKey null: none). */
  private static Map<String, Object> tableWithKey(
      Map<String, Map<String, Object>> tables, String partitionKey, String sortKey) {
    List<Map<String, Object>> schema =
        sortKey == null
            ? List.of(Map.of("AttributeName", partitionKey, "KeyType", "HASH"))
            : List.of(
                Map.of("AttributeName", partitionKey, "KeyType", "HASH"),
                Map.of("AttributeName", sortKey, "KeyType", "RANGE"));
    return tables.values().stream()
        .filter(t -> list(t, "KeySchema").equals(schema))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no table keyed by " + schema));
  }
}
