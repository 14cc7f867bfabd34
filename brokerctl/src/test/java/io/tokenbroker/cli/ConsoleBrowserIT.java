package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code brokerctl console} in a real browser (Debian's headless Chromium, driven by Selenium) on
 * real data in moto: each view shows what the tables hold (and leaves a screenshot under
 * target/console-screenshots/), and each action, confirmed in its dialog, changes the tables as the
 * same brokerctl command does; cancelled, it changes nothing. Without Chromium this skips, saying
 * so, except under CI=true, where it fails (.ci/run installs Chromium).
 */
@ExtendWith(MotoExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

  private static final int WIDTH = 1400;
  private static final int HEIGHT = 1000;
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  @TempDir static Path dir;
  private static ConsoleFixture fixture;
  private static WebDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start(LocalAws local) throws Exception {
    Optional<Path> chromium = executable("chromium", "chromium-browser", "google-chrome");
    Optional<Path> driver = executable("chromedriver");
    if (chromium.isEmpty() || driver.isEmpty()) {
      String missing =
          "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver):"
              + " the console's browser tests are skipped";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(missing.replace("are skipped", "cannot run, and CI=true requires them"));
      }
      System.err.println("SKIPPED: " + missing);
      assumeTrue(false, missing);
    }
    fixture = new ConsoleFixture(local, dir);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--force-device-scale-factor=1",
        "--window-size=" + WIDTH + "," + HEIGHT);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.get().toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    browser.get(fixture.address.toString());
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private static Optional<Path> executable(String... names) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        Path candidate = Path.of(directory, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  // --- Views: real data, and a screenshot of each ------------------------------------------

  @Test
  @Order(1)
  void dropsTheKeyFromTheAddressBarOnceStored() {
    show("clients");
    assertThat(browser.getCurrentUrl()).doesNotContain("key=");
  }

  @Test
  @Order(2)
  void showsEveryClientWithItsPolicy() throws Exception {
    WebElement table = show("clients");

    for (String clientId : List.of("billing", "ledger", "reports", "archive")) {
      assertThat(row(table, "data-client", clientId).getText())
          .contains(clientId + ":read " + clientId + ":write")
          .contains("https://" + clientId + ".example.com")
          .contains("IAM " + ConsoleFixture.ROLE + clientId)
          .contains("15 min / 1 h");
    }
    assertThat(row(table, "data-client", "billing").getText())
        .contains("Invoices and payments", "enabled", "absolute 1 d, idle 1 h");
    assertThat(row(table, "data-client", "ledger").getText()).contains("no");
    screenshot("clients");
  }

  @Test
  @Order(3)
  void showsTheSigningKeysOnATimelineOfTheirStates() throws Exception {
    WebElement table = show("keys");

    for (SigningKey key : fixture.keys()) {
      assertThat(row(table, "data-kid", key.kid()).getText())
          .contains(key.state().name())
          .contains(key.createdAt().toString().substring(0, 19));
      WebElement lane =
          browser.findElement(By.cssSelector("#timeline .lane[data-kid='" + key.kid() + "']"));
      List<String> states =
          lane.findElements(By.className("segment")).stream()
              .map(s -> s.getAttribute("data-state"))
              .toList();
      assertThat(states)
          .isEqualTo(
              switch (key.state()) {
                case PENDING -> List.of("PENDING");
                case ACTIVE -> List.of("PENDING", "ACTIVE");
                case RETIRED -> List.of("PENDING", "ACTIVE", "RETIRED");
                default -> List.of("PENDING", "ACTIVE", "RETIRED", "WITHDRAWN");
              });
    }
    screenshot("keys");
  }

  @Test
  @Order(4)
  void showsRecentIssuancesNewestFirst() throws Exception {
    WebElement table = show("issuances");

    List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
    assertThat(rows).hasSize(fixture.jtis.size());
    for (String jti : fixture.jtis) {
      assertThat(row(table, "data-jti", jti).getText())
          .contains("AWS_IAM")
          .contains(fixture.key(KeyState.ACTIVE).kid());
    }
    assertThat(revokedCell(table, fixture.jtis.get(3))).isEqualTo("by token"); // ledger's
    assertThat(revokedCell(table, fixture.jtis.get(4))).isEqualTo("–"); // archive's
    List<String> issued =
        rows.stream().map(r -> r.findElement(By.tagName("td")).getText()).toList();
    assertThat(issued).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(browser.findElement(By.id("issuances-note")).getText())
        .contains("of the " + fixture.jtis.size() + " issuance records the table holds");
    screenshot("issuances");
  }

  @Test
  @Order(5)
  void showsTheRefusalsTheFunctionsLogged() throws Exception {
    WebElement table = show("refusals");

    List<String> reasons =
        table.findElements(By.cssSelector("tbody tr")).stream()
            .map(r -> r.getAttribute("data-reason"))
            .toList();
    assertThat(reasons).containsExactlyInAnyOrderElementsOf(fixture.refusalReasons);
    assertThat(row(table, "data-reason", "bad_signature").getText())
        .contains("authorizer.denied")
        .contains(fixture.logGroups.get(1));
    assertThat(table.getText()).contains("request.rejected").contains("400");
    assertThat(browser.findElement(By.id("refusals-note")).getText())
        .contains(fixture.logGroups.get(0));
    screenshot("refusals");
  }

  @Test
  @Order(6)
  void showsTheRevocationsInForce() throws Exception {
    WebElement table = show("revocations");

    assertThat(row(table, "data-revoked", "jti#" + fixture.jtis.get(3)).getText())
        .contains("revoked_by_operator");
    assertThat(row(table, "data-revoked", "client#ledger").getText()).containsPattern("\\d{4}-");
    screenshot("revocations");
  }

  // --- Actions: confirm changes the tables as the CLI would; cancel changes nothing ---------

  @Test
  @Order(10)
  void disablesAClientAfterConfirmation() {
    WebElement table = show("clients");
    Map<String, Integer> before = fixture.itemCounts();
    long version = fixture.clients().find("reports").orElseThrow().version();

    String asked = cancel(button(table, "disable-client", "reports"));

    assertThat(asked)
        .contains("Client reports can no longer authenticate")
        .contains("Tokens it already holds stay valid");
    assertThat(fixture.clients().find("reports").orElseThrow().version()).isEqualTo(version);
    assertThat(fixture.clients().find("reports").orElseThrow().enabled()).isTrue();

    String done = confirm(button(show("clients"), "disable-client", "reports"));

    assertThat(done).isEqualTo("Done: disabled reports");
    assertThat(fixture.clients().find("reports").orElseThrow().enabled()).isFalse();
    assertThat(fixture.itemCounts()).isEqualTo(before);
    assertThat(row(show("clients"), "data-client", "reports").getText()).contains("disabled");
  }

  @Test
  @Order(11)
  void revokesEveryTokenOfAClientAfterConfirmation() {
    String jti = fixture.jtis.get(0); // billing's
    assertThat(fixture.revocationStatus(jti, "billing", "k").clientRevokedBefore()).isEmpty();

    String asked = cancel(button(show("clients"), "revoke-client", "billing"));

    assertThat(asked)
        .contains("Revoke every token client billing was issued until now")
        .contains("New tokens still mint unless the client is disabled");
    assertThat(fixture.revocationStatus(jti, "billing", "k").clientRevokedBefore()).isEmpty();

    String done = confirm(button(show("clients"), "revoke-client", "billing"));

    assertThat(done).startsWith("Done: revoked every token of billing issued before ");
    assertThat(fixture.revocationStatus(jti, "billing", "k").clientRevokedBefore()).isPresent();
    assertThat(revokedCell(show("issuances"), jti)).isEqualTo("by client");
    assertThat(row(show("revocations"), "data-revoked", "client#billing")).isNotNull();
  }

  @Test
  @Order(12)
  void revokesOneTokenAfterConfirmation() {
    String jti = fixture.jtis.get(2); // reports'

    String asked = cancel(button(show("issuances"), "revoke-token", jti));

    assertThat(asked).contains("Verifiers refuse the token " + jti + " issued to reports");
    assertThat(fixture.revocationStatus(jti, "x", "k").tokenRevoked()).isFalse();

    String done = confirm(button(show("issuances"), "revoke-token", jti));

    assertThat(done).startsWith("Done: revoked token " + jti + " (issued to reports at ");
    assertThat(fixture.revocationStatus(jti, "x", "k").tokenRevoked()).isTrue();
    assertThat(revokedCell(show("issuances"), jti)).isEqualTo("by token");
  }

  @Test
  @Order(13)
  void revokesTheTokensOfARetiredKeyButRefusesTheActiveKeyPointingAtCompromise() {
    SigningKey active = fixture.key(KeyState.ACTIVE);
    Map<String, Integer> before = fixture.itemCounts();

    String refused = confirm(button(show("keys"), "revoke-key", active.kid()));

    assertThat(refused)
        .startsWith("Refused: this is the active signing key")
        .contains("brokerctl keys compromise " + active.kid());
    assertThat(fixture.itemCounts()).isEqualTo(before);
    assertThat(fixture.revocationStatus("j", "c", active.kid()).keyRevoked()).isFalse();

    SigningKey retired = fixture.key(KeyState.RETIRED);
    String asked = cancel(button(show("keys"), "revoke-key", retired.kid()));

    assertThat(asked)
        .contains("Verifiers refuse every token key " + retired.kid() + " signed")
        .contains("The key itself stays RETIRED");
    assertThat(fixture.itemCounts()).isEqualTo(before);

    String done = confirm(button(show("keys"), "revoke-key", retired.kid()));

    assertThat(done).isEqualTo("Done: revoked every token signed by " + retired.kid());
    assertThat(fixture.revocationStatus("j", "c", retired.kid()).keyRevoked()).isTrue();
    assertThat(fixture.key(KeyState.RETIRED).kid()).isEqualTo(retired.kid());
  }

  @Test
  @Order(14)
  void refusesAnUnknownTargetAsTheCliDoes() {
    show("revocations");
    Map<String, Integer> before = fixture.itemCounts();
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("revoke-kind")))
        .selectByValue("revoke-client");
    browser.findElement(By.id("revoke-target")).sendKeys("ghost");
    browser.findElement(By.id("revoke-submit")).click();

    String refused = confirm();

    assertThat(refused)
        .isEqualTo(
            "Refused: " + fixture.brokerctl("revoke", "client", "ghost").err().substring(11));
    assertThat(fixture.itemCounts()).isEqualTo(before);
  }

  @Test
  @Order(15)
  void rotatesAfterConfirmation() {
    SigningKey active = fixture.key(KeyState.ACTIVE);
    SigningKey pending = fixture.key(KeyState.PENDING);
    show("keys");

    String asked = cancel(browser.findElement(By.id("rotate")));

    assertThat(asked).contains("Run one lifecycle step now, with the active key treated as due");
    assertThat(fixture.key(KeyState.ACTIVE).kid()).isEqualTo(active.kid());

    show("keys");
    String done = confirm(browser.findElement(By.id("rotate")));

    // The successor has been published for longer than the lead time: it takes over.
    assertThat(done).isEqualTo("Done: activated " + pending.kid() + ", retired " + active.kid());
    assertThat(fixture.key(KeyState.ACTIVE).kid()).isEqualTo(pending.kid());
    assertThat(fixture.keys().stream().filter(k -> k.kid().equals(active.kid())).findFirst())
        .get()
        .extracting(SigningKey::state)
        .isEqualTo(KeyState.RETIRED);
  }

  @Test
  @Order(16)
  void compromisesTheActiveKeyAfterConfirmation() throws Exception {
    SigningKey active = fixture.key(KeyState.ACTIVE);

    String asked = cancel(button(show("keys"), "compromise", active.kid()));

    assertThat(asked)
        .contains("Withdraw key " + active.kid() + " now: every token it signed is refused")
        .contains("a new key signs from now");
    assertThat(fixture.key(KeyState.ACTIVE).kid()).isEqualTo(active.kid());

    String done = confirm(button(show("keys"), "compromise", active.kid()));

    assertThat(done)
        .startsWith("Done: revoked every token signed by " + active.kid())
        .contains("withdrew " + active.kid());
    SigningKey withdrawn =
        fixture.keys().stream().filter(k -> k.kid().equals(active.kid())).findFirst().get();
    assertThat(withdrawn.state()).isEqualTo(KeyState.WITHDRAWN);
    assertThat(fixture.key(KeyState.ACTIVE).kid()).isNotEqualTo(active.kid());
    assertThat(fixture.revocationStatus("j", "c", active.kid()).keyRevoked()).isTrue();
    WebElement table = show("keys");
    assertThat(row(table, "data-kid", active.kid()).getText()).contains("WITHDRAWN");
    screenshot("keys-after-actions");
  }

  /**
   * Each action above ran a brokerctl command, which recorded who did it in the audit trail: the
   * console adds no path around it.
   */
  @Test
  @Order(20)
  void showsTheAuditTrailWithEveryActionTheConsoleTookAndWhoTookIt() throws Exception {
    WebElement table = show("audit");

    List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
    List<String> outcomes =
        rows.stream()
            .map(r -> r.getAttribute("data-action") + " " + r.getAttribute("data-outcome"))
            .toList();
    assertThat(outcomes)
        .contains(
            "clients disable done",
            "revoke client done",
            "revoke token done",
            "revoke key refused",
            "revoke key done",
            "revoke client refused",
            "keys rotate --force done",
            "keys compromise done");
    WebElement disabled =
        rows.stream()
            .filter(
                r ->
                    "clients disable".equals(r.getAttribute("data-action"))
                        && "done".equals(r.getAttribute("data-outcome")))
            .findFirst()
            .orElseThrow();
    assertThat(disabled.getText()).contains("reports").contains("arn:aws:");
    assertThat(fixture.auditEntries()).isEqualTo(rows.size());
    screenshot("audit");
  }

  // --- Helpers -------------------------------------------------------------------------------

  /** Opens a view and waits until its data is rendered; returns its table. */
  private static WebElement show(String view) {
    browser.findElement(By.id("nav-" + view)).click();
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", view));
    return browser.findElement(By.id(view + "-table"));
  }

  private static WebElement row(WebElement table, String attribute, String value) {
    return table.findElements(By.cssSelector("tbody tr")).stream()
        .filter(r -> value.equals(r.getAttribute(attribute)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row with " + attribute + "=" + value));
  }

  private static String revokedCell(WebElement table, String jti) {
    return row(table, "data-jti", jti).findElement(By.className("revoked")).getText();
  }

  private static WebElement button(WebElement table, String action, String target) {
    return table.findElements(By.cssSelector("button[data-action='" + action + "']")).stream()
        .filter(b -> target.equals(b.getAttribute("data-target")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + action + " button for " + target));
  }

  /** Clicks, reads what the dialog says will happen, cancels; returns what it said. */
  private static String cancel(WebElement button) {
    button.click();
    String said = dialogText();
    browser.findElement(By.id("confirm-cancel")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    assertThat(status()).isEqualTo("Cancelled: nothing was done.");
    return said;
  }

  /** Clicks, confirms, waits for the outcome; returns the status line. */
  private static String confirm(WebElement button) {
    button.click();
    return confirm();
  }

  private static String confirm() {
    dialogText();
    browser.findElement(By.id("confirm-ok")).click();
    wait.until(
        d -> {
          String s = status();
          return s.startsWith("Done: ") || s.startsWith("Refused: ") || s.startsWith("Failed");
        });
    return status();
  }

  private static String dialogText() {
    WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    return dialog.findElement(By.id("confirm-text")).getText();
  }

  private static String status() {
    return browser.findElement(By.id("status")).getText();
  }

  /**
   * Saves the viewport as target/console-screenshots/{@code name}.png, and checks that it is a PNG
   * of the window's size showing a rendered page: a blank or failed render has a handful of
   * colours, this page (text, badges, buttons, the timeline) hundreds.
   */
  private static void screenshot(String name) throws Exception {
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).as("a PNG").isNotNull();
    Object viewport =
        ((ChromeDriver) browser).executeScript("return [window.innerWidth, window.innerHeight];");
    assertThat(image.getWidth()).isEqualTo(WIDTH);
    assertThat(List.of((long) image.getWidth(), (long) image.getHeight())).isEqualTo(viewport);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertThat(colours.size()).as("distinct colours in " + name).isGreaterThan(50);
  }
}
