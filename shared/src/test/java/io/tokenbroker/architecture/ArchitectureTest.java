package io.tokenbroker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tokenbroker.oauth.RevocationService;
import io.tokenbroker.verify.AccessTokenVerifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shape of the shared library, as docs/architecture.md draws it: the hexagon's domain packages
 * form a directed acyclic graph with the arrows listed in {@link #ALLOWED}; everything else (the
 * adapters, the configuration read from the environment, the test support that dev-support puts on
 * test classpaths) sits outside it. The domain knows ports, never AWS SDK types, Lambda event types
 * or the adapters behind the ports.
 */
@AnalyzeClasses(packages = "io.tokenbroker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String[] OUTSIDE_THE_DOMAIN = {
    "io.tokenbroker.adapters..", "io.tokenbroker.config..", "io.tokenbroker.devsupport.."
  };

  /**
   * Every domain package and the other domain packages it may use: the picture in
   * docs/architecture.md. Leaves first; a package may only name packages listed before it, which is
   * what keeps the graph acyclic. An arrow not listed here fails {@link #onlyTheDrawnArrows}.
   */
  static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("errors", Set.of()),
          Map.entry("identifiers", Set.of()),
          Map.entry("json", Set.of()),
          Map.entry("telemetry", Set.of()),
          Map.entry("alerts", Set.of("errors")),
          Map.entry("jose", Set.of("errors")),
          Map.entry("access", Set.of("errors", "identifiers", "json")),
          Map.entry("dpop", Set.of("errors", "jose", "json")),
          Map.entry("verify", Set.of("errors", "identifiers", "jose", "json")),
          Map.entry("clients", Set.of("dpop", "errors", "identifiers", "jose", "json")),
          Map.entry("revocation", Set.of("errors", "jose", "verify")),
          Map.entry("keys", Set.of("errors", "revocation", "telemetry", "verify")),
          Map.entry("discovery", Set.of("dpop", "errors", "keys")),
          Map.entry(
              "auth", Set.of("clients", "discovery", "errors", "identifiers", "jose", "json")),
          Map.entry(
              "tokens",
              Set.of(
                  "auth", "clients", "discovery", "errors", "identifiers", "jose", "json", "keys")),
          Map.entry("refresh", Set.of("errors", "jose", "revocation", "telemetry", "tokens")),
          Map.entry(
              "federation",
              Set.of(
                  "auth",
                  "clients",
                  "errors",
                  "identifiers",
                  "jose",
                  "json",
                  "telemetry",
                  "tokens")),
          Map.entry(
              "operator",
              Set.of(
                  "clients",
                  "errors",
                  "identifiers",
                  "keys",
                  "revocation",
                  "telemetry",
                  "tokens",
                  "verify")),
          Map.entry(
              "oauth",
              Set.of(
                  "auth",
                  "clients",
                  "discovery",
                  "dpop",
                  "errors",
                  "federation",
                  "jose",
                  "json",
                  "refresh",
                  "revocation",
                  "telemetry",
                  "tokens",
                  "verify")),
          Map.entry(
              "leaks",
              Set.of(
                  "alerts",
                  "errors",
                  "json",
                  "operator",
                  "refresh",
                  "revocation",
                  "telemetry",
                  "tokens",
                  "verify")),
          Map.entry(
              "detection",
              Set.of("alerts", "clients", "errors", "json", "operator", "revocation")));

  @ArchTest
  static final ArchRule noCyclesAmongPackages =
      slices().matching("io.tokenbroker.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule domainUsesNoAwsSdkNorLambdaEvents =
      noClasses()
          .that()
          .resideOutsideOfPackages(OUTSIDE_THE_DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("software.amazon..", "com.amazonaws..");

  @ArchTest
  static final ArchRule domainDoesNotReachIntoAdaptersOrConfig =
      noClasses()
          .that()
          .resideOutsideOfPackages(OUTSIDE_THE_DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(OUTSIDE_THE_DOMAIN);

  @Test
  void onlyTheDrawnArrows() {
    JavaClasses classes = mainClasses();
    assertThat(undrawnArrows(classes)).isEmpty();
  }

  @Test
  void everyDomainPackageIsDrawn() {
    JavaClasses classes = mainClasses();
    Set<String> domain = new TreeSet<>();
    for (JavaClass type : classes) {
      domainPackage(type).ifPresent(domain::add);
    }
    assertThat(ALLOWED.keySet()).containsExactlyInAnyOrderElementsOf(domain);
  }

  /**
   * The rules have teeth: a class in verify naming the oauth layer is an undrawn arrow and a cycle.
   */
  @Test
  void anArrowAgainstTheDrawingIsReportedAndClosesACycle() throws ClassNotFoundException {
    JavaClasses withFixture =
        new ClassFileImporter()
            .importClasses(
                Class.forName("io.tokenbroker.verify.UndrawnArrowFixture"),
                RevocationService.class,
                AccessTokenVerifier.class);
    assertThat(undrawnArrows(withFixture))
        .contains("verify -> oauth (UndrawnArrowFixture uses RevocationService)");
    assertThat(noCyclesAmongPackages.evaluate(withFixture).hasViolation()).isTrue();
  }

  private static JavaClasses mainClasses;

  private static synchronized JavaClasses mainClasses() {
    if (mainClasses == null) {
      mainClasses =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .importPackages("io.tokenbroker");
    }
    return mainClasses;
  }

  static Set<String> undrawnArrows(JavaClasses classes) {
    Set<String> undrawn = new TreeSet<>();
    for (JavaClass type : classes) {
      String from = domainPackage(type).orElse(null);
      if (from == null) {
        continue;
      }
      for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
        domainPackage(dependency.getTargetClass())
            .filter(to -> !to.equals(from) && !arrowAllowed(from, to))
            .ifPresent(
                to ->
                    undrawn.add(
                        from
                            + " -> "
                            + to
                            + " ("
                            + type.getSimpleName()
                            + " uses "
                            + dependency.getTargetClass().getSimpleName()
                            + ")"));
      }
    }
    return undrawn;
  }

  static boolean arrowAllowed(String from, String to) {
    return ALLOWED.getOrDefault(from, Set.of()).contains(to);
  }

  /** The top-level package under io.tokenbroker of a domain class, if it is one. */
  static java.util.Optional<String> domainPackage(JavaClass type) {
    String name = type.getPackageName();
    if (!name.startsWith("io.tokenbroker.")) {
      return java.util.Optional.empty();
    }
    String top = name.substring("io.tokenbroker.".length()).split("\\.", 2)[0];
    return Set.of("adapters", "config", "devsupport", "functions", "architecture").contains(top)
        ? java.util.Optional.empty()
        : java.util.Optional.of(top);
  }
}
