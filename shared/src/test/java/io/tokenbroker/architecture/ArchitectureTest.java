package io.tokenbroker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The hexagon: everything but the adapters (and the provisioning tool built on them, and the test
 * support that dev-support puts on test classpaths) is domain code; it knows ports, never AWS SDK
 * types or the adapters behind them.
 */
@AnalyzeClasses(packages = "io.tokenbroker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String[] OUTSIDE_THE_DOMAIN = {
    "io.tokenbroker.adapters..", "io.tokenbroker.provisioning..", "io.tokenbroker.devsupport.."
  };

  @ArchTest
  static final ArchRule domainUsesNoAwsSdk =
      noClasses()
          .that()
          .resideOutsideOfPackages(OUTSIDE_THE_DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("software.amazon..", "com.amazonaws..");

  @ArchTest
  static final ArchRule domainDoesNotReachIntoAdapters =
      noClasses()
          .that()
          .resideOutsideOfPackages(OUTSIDE_THE_DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(OUTSIDE_THE_DOMAIN);
}
