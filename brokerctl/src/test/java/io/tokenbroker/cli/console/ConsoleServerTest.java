package io.tokenbroker.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.errors.ServiceFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's security model, over raw HTTP: what a local process without the printed address, a
 * DNS-rebinding page or a cross-site form can get from it (nothing, and no action), and what every
 * answer carries. The views and the command runner are stand-ins here; ConsoleBrowserIT runs the
 * real ones.
 */
class ConsoleServerTest {

  private final List<List<String>> commands = new ArrayList<>();
  private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
  private ConsoleServer server;
  private String host;

  @BeforeEach
  void start() throws IOException {
    Map<String, Supplier<Object>> views = new LinkedHashMap<>();
    views.put("clients", () -> List.of(Map.of("client_id", "billing")));
    views.put(
        "broken",
        () -> {
          throw new IllegalStateException("secret-detail arn:aws:iam::123456789012:role/x");
        });
    views.put(
        "unavailable",
        () -> {
          throw new ServiceFailure("dynamodb", "Scan throttled", true, null);
        });
    server =
        new ConsoleServer(
            0,
            views,
            arguments -> {
              commands.add(arguments);
              return arguments.getLast().equals("ghost")
                  ? new CommandRunner.Outcome(1, "", "brokerctl: no such client: ghost\n")
                  : new CommandRunner.Outcome(0, "disabled billing\n", "");
            },
            new PrintStream(terminal, true, StandardCharsets.UTF_8),
            new SecureRandom());
    server.start();
    host = "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  record Response(int status, Map<String, String> headers, String body) {}

  /** One HTTP/1.1 request as given, on a socket: any Host header, any Origin. */
  private Response request(String method, String path, Map<String, String> headers, String body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      request.append("Content-Length: ").append(content.length).append("\r\n");
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.write(content);
      out.flush();
      InputStream in = socket.getInputStream();
      String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int end = raw.indexOf("\r\n\r\n");
      String[] lines = raw.substring(0, end).split("\r\n");
      Map<String, String> answer = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        String[] pair = lines[i].split(":", 2);
        answer.merge(pair[0].strip().toLowerCase(), pair[1].strip(), (a, b) -> a + "\n" + b);
      }
      return new Response(Integer.parseInt(lines[0].split(" ")[1]), answer, raw.substring(end + 4));
    }
  }

  private Response get(String path, Map<String, String> headers) throws IOException {
    return request("GET", path, headers, "");
  }

  private String key() {
    return server.address().getQuery().substring("key=".length());
  }

  /** The cookie the printed address sets. */
  private String cookie() throws IOException {
    Response opened = get("/?key=" + key(), Map.of("Host", host));
    assertThat(opened.status()).isEqualTo(303);
    return opened.headers().get("set-cookie").split(";")[0];
  }

  private String csrf(String cookie) throws IOException {
    Matcher meta =
        Pattern.compile("name=\"console-csrf\" content=\"([^\"]+)\"")
            .matcher(get("/", Map.of("Host", host, "Cookie", cookie)).body());
    assertThat(meta.find()).isTrue();
    return meta.group(1);
  }

  private Response post(String action, Map<String, String> headers, String body)
      throws IOException {
    return request("POST", "/api/actions/" + action, headers, body);
  }

  @Test
  void printsAnAddressOnLoopbackWithAKeyOfAtLeast256Bits() {
    assertThat(server.address().getHost()).isEqualTo("127.0.0.1");
    assertThat(key()).matches("[A-Za-z0-9_-]{43,}");
  }

  @Test
  void tradesThePrintedKeyForAnHttpOnlyStrictCookieAndDropsItFromTheAddress() throws Exception {
    Response opened = get("/?key=" + key(), Map.of("Host", host));

    assertThat(opened.status()).isEqualTo(303);
    assertThat(opened.headers()).containsEntry("location", "/");
    assertThat(opened.headers().get("set-cookie"))
        .startsWith("brokerctl_console_" + server.port() + "=" + key() + ";")
        .contains("HttpOnly")
        .contains("SameSite=Strict");
  }

  @Test
  void servesNeitherPageNorDataWithoutTheKey() throws Exception {
    Response wrongKey = get("/?key=" + key().replace(key().charAt(0), '!'), Map.of("Host", host));
    Response page = get("/", Map.of("Host", host));
    Response api = get("/api/clients", Map.of("Host", host));
    Response forged =
        get("/api/clients", Map.of("Host", host, "Cookie", "brokerctl_console_1=" + key()));

    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(wrongKey.headers()).doesNotContainKey("set-cookie");
    assertThat(page.status()).isEqualTo(401);
    assertThat(page.body()).doesNotContain("console-csrf");
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.body()).doesNotContain("billing");
    assertThat(forged.status()).isEqualTo(401);
  }

  @Test
  void servesDataWithTheCookie() throws Exception {
    Response api = get("/api/clients", Map.of("Host", host, "Cookie", cookie()));

    assertThat(api.status()).isEqualTo(200);
    assertThat(api.body()).isEqualTo("{\"view\":[{\"client_id\":\"billing\"}]}");
  }

  /** A DNS-rebinding page reaches this port under its own host name, cookie or not. */
  @ParameterizedTest
  @ValueSource(strings = {"attacker.example:%d", "127.0.0.1", "127.0.0.1:1", "localhost.evil:%d"})
  void refusesAnyHostButThisLoopbackAddress(String hostHeader) throws Exception {
    String cookie = cookie();
    String given = hostHeader.formatted(server.port());

    Response page = get("/", Map.of("Host", given, "Cookie", cookie));
    Response api = get("/api/clients", Map.of("Host", given, "Cookie", cookie));
    Response action =
        post(
            "disable-client",
            Map.of(
                "Host",
                given,
                "Cookie",
                cookie,
                "Origin",
                "http://" + given,
                "X-Console-Csrf",
                csrf(cookie),
                "Content-Type",
                "application/json"),
            "{\"target\":\"billing\"}");

    assertThat(List.of(page.status(), api.status(), action.status())).containsOnly(421);
    assertThat(api.body() + page.body()).doesNotContain("billing").doesNotContain("csrf");
    assertThat(commands).isEmpty();
  }

  @Test
  void performsAnActionFromItsOwnPageOnly() throws Exception {
    String cookie = cookie();
    String csrf = csrf(cookie);
    Map<String, String> fromPage =
        Map.of(
            "Host", host,
            "Cookie", cookie,
            "Origin", "http://" + host,
            "X-Console-Csrf", csrf,
            "Content-Type", "application/json");

    List<Response> refused = new ArrayList<>();
    refused.add(post("disable-client", without(fromPage, "X-Console-Csrf"), "{\"target\":\"b\"}"));
    refused.add(
        post("disable-client", with(fromPage, "X-Console-Csrf", key()), "{\"target\":\"b\"}"));
    refused.add(post("disable-client", without(fromPage, "Origin"), "{\"target\":\"b\"}"));
    refused.add(
        post(
            "disable-client",
            with(fromPage, "Origin", "https://evil.example"),
            "{\"target\":\"b\"}"));
    refused.add(post("disable-client", without(fromPage, "Cookie"), "{\"target\":\"b\"}"));
    Response form =
        post("disable-client", with(fromPage, "Content-Type", "text/plain"), "{\"target\":\"b\"}");
    Response get = get("/api/actions/disable-client", fromPage);

    assertThat(refused).extracting(Response::status).containsExactly(403, 403, 403, 403, 401);
    assertThat(form.status()).isEqualTo(415);
    assertThat(get.status()).isEqualTo(405);
    assertThat(commands).isEmpty();

    Response done = post("disable-client", fromPage, "{\"target\":\"billing\"}");

    assertThat(done.status()).isEqualTo(200);
    assertThat(done.body())
        .isEqualTo(
            "{\"done\":true,\"command\":\"brokerctl clients disable -- billing\","
                + "\"message\":\"disabled billing\"}");
    assertThat(commands).containsExactly(List.of("clients", "disable", "--", "billing"));
  }

  @Test
  void answersARefusalWithTheCommandsOwnMessage() throws Exception {
    String cookie = cookie();
    Map<String, String> fromPage =
        Map.of(
            "Host",
            host,
            "Cookie",
            cookie,
            "Origin",
            "http://" + host,
            "X-Console-Csrf",
            csrf(cookie),
            "Content-Type",
            "application/json");

    Response refused = post("disable-client", fromPage, "{\"target\":\"ghost\"}");
    Response noTarget = post("revoke-token", fromPage, "{}");
    Response unknown = post("delete-everything", fromPage, "{\"target\":\"x\"}");
    Response notJson = post("revoke-token", fromPage, "target=x");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body()).contains("\"done\":false").contains("no such client: ghost");
    assertThat(List.of(noTarget.status(), unknown.status(), notJson.status()))
        .containsExactly(400, 404, 400);
    assertThat(commands).containsExactly(List.of("clients", "disable", "--", "ghost"));
  }

  @Test
  void answersAFailureWithoutItsDetailAndNamesItOnTheTerminal() throws Exception {
    String cookie = cookie();

    Response broken = get("/api/broken", Map.of("Host", host, "Cookie", cookie));
    Response unavailable = get("/api/unavailable", Map.of("Host", host, "Cookie", cookie));

    assertThat(broken.status()).isEqualTo(500);
    assertThat(broken.body())
        .doesNotContain("secret-detail")
        .doesNotContain("arn:")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(terminal.toString(StandardCharsets.UTF_8))
        .contains("/api/broken failed: java.lang.IllegalStateException");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.body()).contains("(temporary; try again)").doesNotContain("\tat ");
  }

  @Test
  void forbidsCachingFramingForeignScriptsAndSniffingOnEveryAnswer() throws Exception {
    String cookie = cookie();
    List<Response> answers =
        List.of(
            get("/", Map.of("Host", host)),
            get("/", Map.of("Host", host, "Cookie", cookie)),
            get("/app.js", Map.of("Host", host)),
            get("/api/clients", Map.of("Host", host, "Cookie", cookie)),
            get("/api/clients", Map.of("Host", "evil.example")),
            get("/nothing", Map.of("Host", host)));

    for (Response answer : answers) {
      assertThat(answer.headers())
          .containsEntry("cache-control", "no-store")
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("x-frame-options", "DENY")
          .containsEntry("referrer-policy", "no-referrer");
      assertThat(answer.headers().get("content-security-policy"))
          .contains("default-src 'none'")
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe");
    }
  }

  @Test
  void pageHasNoInlineScriptOrStyle() throws Exception {
    String page = get("/", Map.of("Host", host, "Cookie", cookie())).body();

    assertThat(page).contains("<script src=\"/app.js\"").doesNotContain("<script>");
    assertThat(page).doesNotContain("style=").doesNotContain("<style");
    assertThat(page).doesNotContainPattern("\\son[a-z]+=").doesNotContain("javascript:");
    assertThat(page).doesNotContain("http://").doesNotContain("https://"); // nothing from elsewhere
  }

  private static Map<String, String> without(Map<String, String> headers, String name) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.remove(name);
    return copy;
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return copy;
  }
}
