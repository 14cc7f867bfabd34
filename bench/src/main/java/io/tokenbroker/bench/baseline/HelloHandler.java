package io.tokenbroker.bench.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Cold-start baseline: the least a Java Lambda function can do. */
public final class HelloHandler implements RequestStreamHandler {

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
    out.write("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
  }
}
