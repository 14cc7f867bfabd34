package io.tokenbroker.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --output text|json} for every read command. JSON is one object per run, its shape part of
 * brokerctl's interface (README lists each); text is an aligned table for people.
 */
final class OutputFormat {

  enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (an aligned table) or json (one object; README gives its shape).")
  Format format = Format.text;

  boolean json() {
    return format == Format.json;
  }

  static void printJson(PrintWriter out, Map<String, ?> document) {
    out.println(JSONObjectUtils.toJSONString(document));
  }
}
