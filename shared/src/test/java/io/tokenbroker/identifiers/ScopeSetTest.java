package io.tokenbroker.identifiers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one reader of RFC 6749 3.3 scope lists, as the token endpoint and the verifiers use it. */
class ScopeSetTest {

  private static final Pattern RFC_6749_LIST =
      Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "a b",
        "orders:read orders:write",
        "!#[]~",
        "",
        " ",
        "a  b",
        " a",
        "a ",
        "a\"b",
        "a\\b",
        "a\tb",
        "\u00e9",
        "a b a"
      })
  void parsesExactlyTheScopeListsOfRfc6749(String text) {
    assertThat(ScopeSet.parse(text).isPresent())
        .as("[%s]", text)
        .isEqualTo(RFC_6749_LIST.matcher(text).matches());
  }

  @Test
  void aRequestedScopeTwiceCountsOnceInTheOrderFirstRead() {
    ScopeSet scopes = ScopeSet.parse("b a b").orElseThrow();

    assertThat(scopes.values()).containsExactly("b", "a");
    assertThat(scopes).hasToString("b a");
  }

  @Test
  void aRequestMayNameAnyNumberOfScopesButEachAtMost128Characters() {
    String many = String.join(" ", Collections.nCopies(4000, "a"));

    assertThat(ScopeSet.parse(many)).hasValueSatisfying(s -> assertThat(s.values()).hasSize(1));
    assertThat(ScopeSet.parse("s".repeat(128))).isPresent();
    assertThat(ScopeSet.parse("s".repeat(129))).isEmpty();
  }

  @Test
  void aMintedListHasAtMost100ScopesNoneTwice() {
    List<String> hundred = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "s" + i).toList();
    String text = String.join(" ", hundred);

    assertThat(ScopeSet.parseMinted(text))
        .hasValueSatisfying(s -> assertThat(s.values()).containsExactlyElementsOf(hundred));
    assertThat(ScopeSet.parseMinted(text + " s100")).isEmpty();
    assertThat(ScopeSet.parseMinted("a b a")).isEmpty();
    assertThat(ScopeSet.parseMinted("a  b")).isEmpty();
  }

  @Test
  void aListOfScopesHoldsOnlyScopeStrings() {
    assertThat(ScopeSet.of(List.of("b", "a", "b")))
        .hasValueSatisfying(s -> assertThat(s.values()).containsExactly("b", "a"));
    assertThat(ScopeSet.of(List.of())).hasValueSatisfying(s -> assertThat(s.values()).isEmpty());
    assertThat(ScopeSet.of(List.of("a", "bad scope"))).isEmpty();
    assertThat(ScopeSet.of(List.of("a", 1))).isEmpty();
  }
}
