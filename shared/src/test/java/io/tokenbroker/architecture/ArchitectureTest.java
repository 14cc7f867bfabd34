package io.tokenbroker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The hexagon: domain code knows ports, never AWS SDK types or the adapters behind them. */
@AnalyzeClasses(packages = "io.tokenbroker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String[] DOMAIN = {
    "io.tokenbroker.keys..",
    "io.tokenbroker.discovery..",
    "io.tokenbroker.errors..",
    "io.tokenbroker.telemetry..",
    "io.tokenbroker.config..",
    "io.tokenbroker.http.."
  };

  @ArchTest
  static final ArchRule domainUsesNoAwsSdk =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("software.amazon..", "com.amazonaws..");

  @ArchTest
  static final ArchRule domainDoesNotReachIntoAdapters =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.tokenbroker.adapters..", "io.tokenbroker.provisioning..");
}
