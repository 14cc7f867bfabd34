package io.tokenbroker.devsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy in front of a local AWS endpoint that makes chosen calls fail the ways AWS calls
 * fail in production: throttling, a 5xx, a timeout, a reset connection, or a reset after the call
 * took effect (the response lost on the way back, so that the SDK's retry repeats a write that
 * already happened).
 *
 * <p>It speaks plain HTTP/1.1 with {@code Content-Length} bodies, which is what the SDK's JSON
 * protocols (DynamoDB, KMS) send. Calls are named by service and operation from {@code
 * X-Amz-Target} plus the tables they touch, and every call is recorded so that a test can first
 * list a flow's calls and then fail each one in turn.
 */
public final class FaultProxy implements AutoCloseable {

  /** How a call fails. */
  public enum Fault {
    /** 400 ThrottlingException, the request not forwarded. */
    THROTTLE,
    /** 500 internal error, the request not forwarded. */
    SERVER_ERROR,
    /** No answer until the client gives up, the request not forwarded. */
    TIMEOUT,
    /** The connection reset before the request reached AWS. */
    RESET,
    /** The request reached AWS and took effect; the connection reset before the answer. */
    LOST_RESPONSE
  }

  /**
   * One AWS call as it passed the proxy.
   *
   * @param service {@code DynamoDB} or {@code KMS}
   * @param operation e.g. {@code PutItem}, {@code Sign}
   * @param tables the tables named in the request, in order
   */
  public record Call(String service, String operation, List<String> tables) {

    /**
     * Whether this call is the one {@code name} means: an operation ({@code "Sign"}, {@code
     * "PutItem"}), or a {@link #name()} ({@code "PutItem issuances"}).
     */
    public boolean is(String name) {
      return name.equals(operation) || name.equals(name());
    }

    /** The operation and, for DynamoDB, its tables without their prefix (after the last '-'). */
    public String name() {
      if (tables.isEmpty()) {
        return operation;
      }
      List<String> shortNames =
          tables.stream().map(t -> t.substring(t.lastIndexOf('-') + 1)).distinct().toList();
      return operation + " " + String.join("+", shortNames);
    }

    @Override
    public String toString() {
      return service + " " + name();
    }
  }

  /** Fails the {@code occurrence}-th call (from 1) named {@code call}, and its next ones. */
  private record Rule(String call, int occurrence, int times, Fault fault) {}

  private static final Pattern TABLE_NAME = Pattern.compile("\"TableName\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern REQUEST_ITEMS =
      Pattern.compile("\"RequestItems\"\\s*:\\s*\\{\\s*\"([^\"]+)\"");

  private final ServerSocket server;
  private final URI upstream;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile Rule rule;
  private int seen;
  private int injected;

  private FaultProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("fault-proxy").start(this::acceptLoop);
  }

  /** A proxy on a free loopback port that forwards to {@code upstream}. */
  public static FaultProxy start(URI upstream) {
    try {
      return new FaultProxy(upstream);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the fault proxy's port", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * From now on, fail the {@code occurrence}-th call named {@code call} (see {@link Call#is}) with
   * {@code fault}, and as many of the same calls after it as {@code times} says ({@code 1}: once,
   * so that a retry gets through; {@link Integer#MAX_VALUE}: every retry too).
   */
  public synchronized void inject(String call, int occurrence, int times, Fault fault) {
    rule = new Rule(call, occurrence, times, fault);
    seen = 0;
    injected = 0;
  }

  /** Stops failing calls; returns how many calls the last rule failed. */
  public synchronized int clear() {
    rule = null;
    return injected;
  }

  /** Every call since the last {@link #resetCalls()}, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public void resetCalls() {
    calls.clear();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  private synchronized Fault decide(Call call) {
    Rule current = rule;
    if (current == null || !call.is(current.call())) {
      return null;
    }
    seen++;
    if (seen >= current.occurrence() && injected < current.times()) {
      injected++;
      return current.fault();
    }
    return null;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** One client connection: requests in turn (the SDK keeps connections alive). */
  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      while (true) {
        HttpMessage request = HttpMessage.read(in);
        if (request == null) {
          return;
        }
        Call call = identify(request);
        calls.add(call);
        Fault fault = decide(call);
        if (fault == null) {
          forward(request).write(out);
          continue;
        }
        switch (fault) {
          case THROTTLE -> error(call, 400, "ThrottlingException").write(out);
          case SERVER_ERROR ->
              error(
                      call,
                      500,
                      call.service().equals("KMS") ? "KMSInternalException" : "InternalServerError")
                  .write(out);
          case TIMEOUT -> {
            client.setSoTimeout(60_000);
            while (in.read() >= 0) {
              // hold the call open until the client gives up on it
            }
            return;
          }
          case RESET -> {
            reset(client);
            return;
          }
          case LOST_RESPONSE -> {
            forward(request);
            reset(client);
            return;
          }
        }
      }
    } catch (IOException e) {
      // the client or moto went away: nothing to answer
    } finally {
      open.remove(client);
    }
  }

  /** The request sent to AWS on a connection of its own, and AWS's answer. */
  private HttpMessage forward(HttpMessage request) throws IOException {
    try (Socket aws = new Socket(upstream.getHost(), upstream.getPort())) {
      Map<String, String> headers = new TreeMap<>(request.headers());
      headers.put("connection", "close");
      new HttpMessage(request.startLine(), headers, request.body()).write(aws.getOutputStream());
      HttpMessage response = HttpMessage.read(aws.getInputStream());
      if (response == null) {
        throw new IOException("the endpoint closed the connection without an answer");
      }
      Map<String, String> back = new TreeMap<>(response.headers());
      back.remove("connection"); // the client's connection stays open
      return new HttpMessage(response.startLine(), back, response.body());
    }
  }

  private static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0); // close with RST, not FIN
    socket.close();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static Call identify(HttpMessage request) {
    String target = request.headers().getOrDefault("x-amz-target", "");
    int dot = target.indexOf('.');
    String service = target.startsWith("TrentService") ? "KMS" : "DynamoDB";
    String operation = dot < 0 ? request.startLine() : target.substring(dot + 1);
    String body = new String(request.body(), StandardCharsets.UTF_8);
    Set<String> tables = new LinkedHashSet<>();
    for (Matcher m = TABLE_NAME.matcher(body); m.find(); ) {
      tables.add(m.group(1));
    }
    for (Matcher m = REQUEST_ITEMS.matcher(body); m.find(); ) {
      tables.add(m.group(1));
    }
    return new Call(service, operation, List.copyOf(tables));
  }

  private static HttpMessage error(Call call, int status, String code) {
    boolean kms = call.service().equals("KMS");
    String type = kms ? code : "com.amazonaws.dynamodb.v20120810#" + code;
    byte[] body =
        ("{\"__type\":\"" + type + "\",\"message\":\"injected by FaultProxy\"}")
            .getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new TreeMap<>();
    headers.put("content-type", kms ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0");
    headers.put("x-amzn-requestid", "fault-proxy");
    return new HttpMessage(
        "HTTP/1.1 " + status + (status == 400 ? " Bad Request" : " Internal Server Error"),
        headers,
        body);
  }

  /** A request or response: start line, headers (lower-cased names), body. */
  record HttpMessage(String startLine, Map<String, String> headers, byte[] body) {

    /** The next message on {@code in}, or null at the end of the stream. */
    static HttpMessage read(InputStream in) throws IOException {
      String startLine = line(in);
      if (startLine == null) {
        return null;
      }
      Map<String, String> headers = new TreeMap<>();
      for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
      if (headers.containsKey("transfer-encoding")) {
        throw new IOException("chunked bodies are not supported by FaultProxy");
      }
      String length = headers.get("content-length");
      if (length == null && startLine.startsWith("HTTP/")) {
        return new HttpMessage(startLine, headers, in.readAllBytes()); // ends at close
      }
      return new HttpMessage(
          startLine, headers, in.readNBytes(length == null ? 0 : Integer.parseInt(length)));
    }

    void write(OutputStream out) throws IOException {
      StringBuilder head = new StringBuilder(startLine).append("\r\n");
      headers.forEach(
          (name, value) -> {
            if (!name.equals("content-length")) {
              head.append(name).append(": ").append(value).append("\r\n");
            }
          });
      head.append("content-length: ").append(body.length).append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int end =
              bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        }
        line.write(b);
      }
      return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
