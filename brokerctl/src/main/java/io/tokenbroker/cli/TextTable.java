package io.tokenbroker.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain-text table whose columns are as wide as their widest value (header included), two spaces
 * apart; the last column is not padded. Values never hold a control character (line breaks, ESC
 * sequences), a format character (bidi overrides) or a line or paragraph separator: each is shown
 * as a space, so that every row stays one line and a value (a jti from the admin route, say) cannot
 * drive the operator's terminal or reorder what it shows. An empty value is shown as "-".
 */
final class TextTable {

  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  TextTable row(Object... values) {
    if (values.length != headers.size()) {
      throw new IllegalArgumentException("a row needs " + headers.size() + " values");
    }
    List<String> row = new ArrayList<>();
    for (Object value : values) {
      String text = value == null ? "" : CONTROL.matcher(value.toString()).replaceAll(" ");
      row.add(text.isEmpty() ? "-" : text);
    }
    rows.add(row);
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    line(out, headers, widths);
    rows.forEach(row -> line(out, row, widths));
  }

  private static void line(PrintWriter out, List<String> values, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      boolean last = i == values.size() - 1;
      line.append(last ? values.get(i) : pad(values.get(i), widths[i]));
      if (!last) {
        line.append("  ");
      }
    }
    out.println(line.toString().stripTrailing());
  }

  private static String pad(String value, int width) {
    return value + " ".repeat(width - value.length());
  }
}
