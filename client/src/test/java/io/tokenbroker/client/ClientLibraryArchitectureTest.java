package io.tokenbroker.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a workload takes in with the library: the JDK, Nimbus and the AWS SDK's auth pieces, never
 * the broker (the pom's enforcer rule holds the dependencies, this the code); and KMS only through
 * the one class a KMS-signing workload uses, so the optional KMS SDK is loaded by no one else.
 */
class ClientLibraryArchitectureTest {

  private static final JavaClasses LIBRARY = library();

  /** The library's compiled classes alone (target/classes), not the classpath. */
  private static JavaClasses library() {
    try {
      return new ClassFileImporter()
          .importPath(
              Path.of(
                  TokenClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void usesOnlyTheJdkNimbusAndTheSdksAuthPieces() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax..",
            "io.tokenbroker.client..",
            "com.nimbusds.jose..",
            "com.nimbusds.jwt..",
            "software.amazon.awssdk.auth..",
            "software.amazon.awssdk.identity..",
            "software.amazon.awssdk.http..",
            "software.amazon.awssdk.regions..",
            "software.amazon.awssdk.core..",
            "software.amazon.awssdk.services.kms..")
        .check(LIBRARY);
  }

  @Test
  void onlyTheKmsSignerTouchesKms() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(KmsAssertionSigner.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon.awssdk.services.kms..", "software.amazon.awssdk.core..")
        .check(LIBRARY);
  }
}
