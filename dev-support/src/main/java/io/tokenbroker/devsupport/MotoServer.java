package io.tokenbroker.devsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A {@code moto_server} child process on a free loopback port: a real AWS wire-protocol endpoint
 * (KMS, DynamoDB) for tests and the local server.
 *
 * <p>The process reads its stdin until end-of-file and exits then, so it dies with the JVM that
 * started it even when that JVM is killed and no shutdown hook runs.
 */
public final class MotoServer implements AutoCloseable {

  /**
   * Runs moto's server application, plus a watchdog that exits when our end of stdin closes.
   * Requests are served one at a time: moto evaluates a conditional write or a transaction without
   * locking, so concurrent requests could both pass a condition that DynamoDB (linearizable per
   * item) lets only one pass. Serialising restores those semantics for concurrency tests.
   */
  private static final String LAUNCHER =
      """
      import os, sys, threading
      def exit_when_parent_goes():
          sys.stdin.buffer.read()
          os._exit(0)
      threading.Thread(target=exit_when_parent_goes, daemon=True).start()
      host, port = sys.argv[1], int(sys.argv[2])
      os.environ.setdefault("MOTO_PORT", str(port))
      from werkzeug.serving import run_simple
      from moto.server import DomainDispatcherApplication, create_backend_app
      app = DomainDispatcherApplication(create_backend_app)
      one_at_a_time = threading.Lock()
      def serialized(environ, start_response):
          with one_at_a_time:
              return list(app(environ, start_response))
      run_simple(host, port, serialized, threaded=True)
      """;

  private static final String INSTALL_HINT =
      "moto's server is not installed for %s. Install it with: pip install 'moto[server]'"
          + " (or set MOTO_PYTHON to a Python that has it, or AWS_ENDPOINT_URL to an"
          + " AWS-compatible endpoint such as LocalStack).";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** Starts moto on a free 127.0.0.1 port and returns once it answers HTTP. */
  public static MotoServer start() {
    String python = System.getenv().getOrDefault("MOTO_PYTHON", "python3");
    requireMotoInstalled(python);
    IllegalStateException lastFailure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return startOn(python, freeLoopbackPort());
      } catch (IllegalStateException e) {
        lastFailure = e; // most often a port taken between our probe and moto's bind: try another
      }
    }
    throw lastFailure;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Forgets every resource (tables, keys) created so far. */
  public void reset() {
    send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset")).POST(noBody()));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a leftover temp log is harmless
    }
  }

  private static MotoServer startOn(String python, int port) {
    try {
      Path log = Files.createTempFile("moto-server-", ".log");
      Process process =
          new ProcessBuilder(List.of(python, "-c", LAUNCHER, "127.0.0.1", Integer.toString(port)))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start moto_server with " + python, e);
    }
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited at start: " + logTail());
      }
      try {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sleep(Duration.ofMillis(50));
    }
    close();
    throw new IllegalStateException(
        "moto_server did not answer within " + STARTUP_TIMEOUT + ": " + logTail());
  }

  private static void requireMotoInstalled(String python) {
    try {
      Process check = new ProcessBuilder(python, "-c", "import moto.server, flask").start();
      if (check.waitFor() != 0) {
        throw new IllegalStateException(INSTALL_HINT.formatted(python));
      }
    } catch (IOException e) {
      throw new IllegalStateException(INSTALL_HINT.formatted(python), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for moto", e);
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("moto answered " + response.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
