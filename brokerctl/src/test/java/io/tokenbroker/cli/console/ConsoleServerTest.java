package io.tokenbroker.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
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
    return server.address().getFragment().substring("key=".length());
  }

  private String bearer() {
    return "Bearer " + key();
  }

  private Response post(String action, Map<String, String> headers, String body)
      throws IOException {
    return request("POST", "/api/actions/" + action, headers, body);
  }

  @Test
  void printsAnAddressOnLoopbackWithAKeyOfAtLeast256BitsInItsFragmentOnly() {
    assertThat(server.address().getHost()).isEqualTo("127.0.0.1");
    assertThat(server.address().getPath()).isEqualTo("/");
    assertThat(server.address().getQuery()).isNull(); // the fragment is never sent to a server
    assertThat(key()).matches("[A-Za-z0-9_-]{43,}");
  }

  /** The page, script and style hold no secret; nothing the server sends carries the key. */
  @Test
  void servesThePageWithoutTheKeyAndSetsNoCookie() throws Exception {
    List<Response> statics =
        List.of(
            get("/", Map.of("Host", host)),
            get("/app.js", Map.of("Host", host)),
            get("/app.css", Map.of("Host", host)),
            get("/api/clients", Map.of("Host", host, "Authorization", bearer())));

    for (Response answer : statics) {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.headers()).doesNotContainKey("set-cookie");
      assertThat(answer.body()).doesNotContain(key());
    }
  }

  /**
   * Only the header carries the key: a cookie with it (which another server on 127.0.0.1 could have
   * been sent) or a query parameter opens nothing.
   */
  @Test
  void servesNoDataWithoutTheKeyInTheAuthorizationHeader() throws Exception {
    String wrong = key().charAt(0) == 'A' ? "B" + key().substring(1) : "A" + key().substring(1);
    List<Response> refused =
        List.of(
            get("/api/clients", Map.of("Host", host)),
            get("/api/clients", Map.of("Host", host, "Authorization", "Bearer " + wrong)),
            get("/api/clients", Map.of("Host", host, "Authorization", key())),
            get("/api/clients", Map.of("Host", host, "Cookie", "brokerctl_console=" + key())),
            get("/api/clients?key=" + key(), Map.of("Host", host)));

    for (Response answer : refused) {
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.body()).doesNotContain("billing");
    }
  }

  @Test
  void servesDataWithTheKey() throws Exception {
    Response api = get("/api/clients", Map.of("Host", host, "Authorization", bearer()));

    assertThat(api.status()).isEqualTo(200);
    assertThat(api.body()).isEqualTo("{\"view\":[{\"client_id\":\"billing\"}]}");
  }

  /** A DNS-rebinding page reaches this port under its own host name, key or not. */
  @ParameterizedTest
  @ValueSource(strings = {"attacker.example:%d", "127.0.0.1", "127.0.0.1:1", "localhost.evil:%d"})
  void refusesAnyHostButThisLoopbackAddress(String hostHeader) throws Exception {
    String given = hostHeader.formatted(server.port());

    Response page = get("/", Map.of("Host", given));
    Response api = get("/api/clients", Map.of("Host", given, "Authorization", bearer()));
    Response action =
        post(
            "disable-client",
            Map.of(
                "Host",
                given,
                "Authorization",
                bearer(),
                "Origin",
                "http://" + given,
                "Content-Type",
                "application/json"),
            "{\"target\":\"billing\"}");

    assertThat(List.of(page.status(), api.status(), action.status())).containsOnly(421);
    assertThat(api.body() + page.body()).doesNotContain("billing").doesNotContain("<script");
    assertThat(commands).isEmpty();
  }

  @Test
  void performsAnActionFromItsOwnPageOnly() throws Exception {
    Map<String, String> fromPage = fromPage();

    List<Response> refused = new ArrayList<>();
    refused.add(post("disable-client", without(fromPage, "Origin"), "{\"target\":\"b\"}"));
    refused.add(
        post(
            "disable-client",
            with(fromPage, "Origin", "https://evil.example"),
            "{\"target\":\"b\"}"));
    refused.add(
        post(
            "disable-client",
            with(fromPage, "Origin", "http://127.0.0.1:" + (server.port() + 1)),
            "{\"target\":\"b\"}"));
    refused.add(post("disable-client", without(fromPage, "Authorization"), "{\"target\":\"b\"}"));
    refused.add(
        post(
            "disable-client",
            with(without(fromPage, "Authorization"), "Cookie", "brokerctl_console=" + key()),
            "{\"target\":\"b\"}"));
    Response form =
        post("disable-client", with(fromPage, "Content-Type", "text/plain"), "{\"target\":\"b\"}");
    Response get = get("/api/actions/disable-client", fromPage);

    assertThat(refused).extracting(Response::status).containsExactly(403, 403, 403, 401, 401);
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
    Map<String, String> fromPage = fromPage();

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
    Response broken = get("/api/broken", Map.of("Host", host, "Authorization", bearer()));
    Response unavailable = get("/api/unavailable", Map.of("Host", host, "Authorization", bearer()));

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
    List<Response> answers =
        List.of(
            get("/", Map.of("Host", host)),
            get("/app.js", Map.of("Host", host)),
            get("/api/clients", Map.of("Host", host)),
            get("/api/clients", Map.of("Host", host, "Authorization", bearer())),
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
    String page = get("/", Map.of("Host", host)).body();

    assertThat(page).contains("<script src=\"/app.js\"").doesNotContain("<script>");
    assertThat(page).doesNotContain("style=").doesNotContain("<style");
    assertThat(page).doesNotContainPattern("\\son[a-z]+=").doesNotContain("javascript:");
    assertThat(page).doesNotContain("http://").doesNotContain("https://"); // nothing from elsewhere
  }

  /**
   * picocli would read {@code @file} as a file's contents even after {@code --}; no identifier
   * starts with {@code @} or holds spaces or control or format characters.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "@/etc/hostname",
        "@billing",
        "bill ing",
        "billing\u001b[2J",
        "bill\u0000ing",
        "\u202ebilling",
        "bill\u00a0ing"
      })
  void refusesATargetNoIdentifierCouldBe(String target) throws Exception {
    Response refused =
        post("revoke-token", fromPage(), JSONObjectUtils.toJSONString(Map.of("target", target)));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("starts with @");
    assertThat(commands).isEmpty();
  }

  private Map<String, String> fromPage() {
    return Map.of(
        "Host",
        host,
        "Authorization",
        bearer(),
        "Origin",
        "http://" + host,
        "Content-Type",
        "application/json");
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
