package io.tokenbroker.client.examples;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A Lambda context as the runtime gives one, its logger kept for the test to read. */
final class TestLambdaContext implements Context {

  private final String requestId = UUID.randomUUID().toString();
  private final StringBuilder log = new StringBuilder();

  String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/demo-api-function";
  }

  @Override
  public String getLogStreamName() {
    return "2026/01/01/[$LATEST]" + requestId.replace("-", "");
  }

  @Override
  public String getFunctionName() {
    return "demo-api-function";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:000000000000:function:demo-api-function";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return 30_000;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        synchronized (log) {
          log.append(message).append('\n');
        }
      }

      @Override
      public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
