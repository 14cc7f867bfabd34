package io.tokenbroker.identifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The character loops against their rules written as regexes (the oracle), on strings built from
 * every ASCII character and some beyond, at and around each length limit.
 */
class IdentifiersTest {

  private static final Random RANDOM = new Random(12);

  /** Strings of lengths 0..max+2, from an alphabet of every char 0-127 and a few non-ASCII. */
  private static List<String> samples(int max) {
    List<String> samples = new ArrayList<>();
    samples.add("");
    for (int length : new int[] {1, 2, 3, max - 1, max, max + 1, max + 2}) {
      for (int n = 0; n < 300; n++) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
          // Mostly characters that pass, so that long strings can pass too.
          s.append(
              RANDOM.nextInt(20) == 0
                  ? "\u0000 \t\"\\\u007f\u00e9\u043e\uff57".charAt(RANDOM.nextInt(9))
                  : (char) (0x21 + RANDOM.nextInt(94)));
        }
        samples.add(s.toString());
      }
    }
    for (int c = 0; c < 256; c++) {
      samples.add(String.valueOf((char) c));
      samples.add("a" + (char) c + "b");
    }
    return samples;
  }

  private static void agrees(Predicate<String> rule, String regex, int max) {
    Pattern oracle = Pattern.compile(regex);
    for (String s : samples(max)) {
      assertThat(rule.test(s)).as("[%s]", s).isEqualTo(oracle.matcher(s).matches());
    }
  }

  @Test
  void clientIdIsOneTo128OfTheRegisteredAlphabetStartingAlphanumeric() {
    agrees(ClientId::isValid, "[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", ClientId.MAX_LENGTH);
  }

  @Test
  void scopeIsAnRfc6749ScopeTokenOfAtMost128() {
    agrees(Scope::isValid, "[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}", Scope.MAX_LENGTH);
  }

  @Test
  void audienceAndSubjectAreOneTo256VisibleAscii() {
    agrees(Audience::isValid, "[\\x21-\\x7E]{1,256}", Audience.MAX_LENGTH);
    agrees(Subject::isValid, "[\\x21-\\x7E]{1,256}", Subject.MAX_LENGTH);
  }

  @Test
  void kidIsOneTo128Base64urlCharacters() {
    agrees(Kid::isValid, "[A-Za-z0-9_-]{1,128}", Kid.MAX_LENGTH);
  }

  @Test
  void aScopeListIsValidScopesSeparatedBySingleSpacesAtMost100() {
    Pattern list = Pattern.compile("[^ ]+( [^ ]+)*");
    for (String s : samples(40)) {
      String[] tokens = s.split(" ", -1);
      boolean expected =
          list.matcher(s).matches()
              && tokens.length <= Scope.MAX_PER_CLIENT
              && List.of(tokens).stream().allMatch(Scope::isValid);
      assertThat(ScopeSet.isList(s)).as("[%s]", s).isEqualTo(expected);
    }
    String hundred = String.join(" ", java.util.Collections.nCopies(100, "s".repeat(128)));
    assertThat(ScopeSet.isList(hundred)).isTrue();
    assertThat(ScopeSet.isList(hundred + " s")).isFalse();
    assertThat(ScopeSet.isList("s".repeat(129))).isFalse();
  }

  /** A token id is exactly what 16 bytes encode to: the JDK's base64url is the oracle. */
  @Test
  void tokenIdIsTheCanonicalBase64urlOf128Bits() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 2000; i++) {
      assertThat(TokenId.isValid(TokenId.random(random).value())).isTrue();
    }
    Base64.Decoder decoder = Base64.getUrlDecoder();
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. ";
    List<String> candidates = new ArrayList<>(samples(23));
    for (int n = 0; n < 5000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 21 + RANDOM.nextInt(3); i++) {
        s.append(alphabet.charAt(RANDOM.nextInt(RANDOM.nextInt(50) == 0 ? alphabet.length() : 64)));
      }
      candidates.add(s.toString());
    }
    for (String s : candidates) {
      boolean expected;
      try {
        byte[] bytes = decoder.decode(s);
        expected = bytes.length == 16 && encoder.encodeToString(bytes).equals(s);
      } catch (IllegalArgumentException notBase64url) {
        expected = false;
      }
      assertThat(TokenId.isValid(s)).as("[%s]", s).isEqualTo(expected);
    }
    for (char last : alphabet.toCharArray()) {
      String s = "AAAAAAAAAAAAAAAAAAAAA" + last;
      boolean expected =
          s.matches("[A-Za-z0-9_-]{22}") && encoder.encodeToString(decoder.decode(s)).equals(s);
      assertThat(TokenId.isValid(s)).as("[%s]", s).isEqualTo(expected);
    }
  }

  @Test
  void aValueTypeCannotHoldAnInvalidValue() {
    assertThatThrownBy(() -> new ClientId("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Scope("a\"b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenId("jti-1")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new ClientId("Ci-1").value()).isEqualTo("Ci-1");
  }
}
