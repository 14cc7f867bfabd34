package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What a table shows of a value the operator did not write (a jti from the admin route). */
class TextTableTest {

  @Test
  void showsNoControlFormatOrSeparatorCharacterOfAValue() {
    String hostile = "a\u001b[2J\u001b]0;pwned\u0007b\r\nc\td\u0000e\u009bf\u202eg\u200bh\u2028i";
    StringWriter out = new StringWriter();

    new TextTable("JTI", "CLIENT").row(hostile, "billing").print(new PrintWriter(out, true));

    String shown = out.toString();
    assertThat(shown.lines()).hasSize(2);
    assertThat(shown.lines().skip(1).findFirst().orElseThrow())
        .isEqualTo("a [2J ]0;pwned b  c d e f g h i  billing");
    assertThat(shown.replace("\n", "")).doesNotContainPattern("[\\p{Cc}\\p{Cf}\\u2028\\u2029]");
  }
}
