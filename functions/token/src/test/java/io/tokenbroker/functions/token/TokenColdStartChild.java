package io.tokenbroker.functions.token;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cold token function in a JVM of its own, as Lambda starts it: the no-argument constructor
 * (wired from the process's environment), then one event from the file named by the first argument;
 * the response goes to the file named by the second. Only the handler's own classes load here, so
 * the process's class-loading log shows what a cold request loads (TokenHandlerColdStartIT).
 */
public final class TokenColdStartChild {

  private TokenColdStartChild() {}

  public static void main(String[] args) throws Exception {
    TokenHandler handler = new TokenHandler();
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(Files.readAllBytes(Path.of(args[0]))), response, null);
    Files.writeString(Path.of(args[1]), response.toString(StandardCharsets.UTF_8));
    System.exit(0);
  }
}
