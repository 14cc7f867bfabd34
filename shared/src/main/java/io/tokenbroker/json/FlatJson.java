package io.tokenbroker.json;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict streaming read of one small JSON object (RFC 8259: no comments, no trailing content, no
 * leniency), handing each top-level member to a {@link Members} sink as it is read, without a map:
 * for a token's header and claims, which the verifier keeps in fixed fields. Member names are
 * unique at every level. Values reach the sink as {@link String}, {@link Long} (an integer that
 * fits), {@link Double} (any other number), {@link Boolean}, {@link #NULL}, a {@code List<String>}
 * (an array of strings only, possibly empty), a {@code Map<String, String>} (an object of string
 * members only, possibly empty, such as a {@code cnf} claim) or {@link #NESTED} (any other object
 * or array, read and checked, then dropped).
 *
 * <p>It reads what {@link Json#object} read through Nimbus's Gson for these texts, member for
 * member: a leading U+FEFF is skipped, an integer that does not fit a long is a Double, a number
 * whose double is infinite is refused. Two differences, both refusals where Gson accepted: a
 * duplicate member name inside a nested value, and an array of {@code [name, value]} pairs in place
 * of the object (Gson's form for maps with complex keys).
 */
public final class FlatJson {

  /** The JSON literal {@code null}. */
  public static final Object NULL = new Marker("null");

  /** An object, or an array holding anything but strings. */
  public static final Object NESTED = new Marker("nested");

  /** Receives each top-level member, in document order, names already unique. */
  @FunctionalInterface
  public interface Members {
    void member(String name, Object value);

    /**
     * Whether the member named so arrives as {@link Raw}, its text read and checked, instead of
     * being read into a value: for the few members whose nested values the reader wants itself.
     */
    default boolean raw(String name) {
      return false;
    }
  }

  /** A member's value as its JSON text, syntax and depth checked (see {@link Members#raw}). */
  public record Raw(String json) {}

  private final String text;
  private int pos;

  private FlatJson(String text) {
    this.text = text;
  }

  /**
   * Reads the whole text before returning; the sink must only record, since a later syntax error
   * refuses the text.
   *
   * @throws Json.TooDeep if it nests deeper than {@link Json#MAX_DEPTH}
   * @throws ParseException if the text is not exactly one JSON object
   */
  public static void read(String text, Members sink) throws ParseException {
    FlatJson reader = new FlatJson(text);
    try {
      if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
        reader.pos = 1;
      }
      reader.topObject(sink);
      reader.skipWhitespace();
      if (reader.pos != text.length()) {
        throw reader.error();
      }
    } catch (ParseException malformed) {
      throw deepFirst(text, malformed);
    }
  }

  /**
   * The refusal of a text the read refused: too deep if its brackets nest deeper than allowed
   * anywhere, as the bracket count that ran before the read made every such text; else {@code
   * malformed}. Only here, once the read failed: text the read accepts was checked at every level
   * it nests to ({@link #checkDepth}), which is where the count would have refused it (issue 13:
   * the count was a second pass over every header and claims).
   */
  private static ParseException deepFirst(String text, ParseException malformed)
      throws Json.TooDeep {
    Json.requireDepthWithinLimit(text);
    return malformed;
  }

  /**
   * The elements of one JSON array, each as its checked text: an array of objects, each then read
   * with {@link #read}.
   *
   * @throws Json.TooDeep if it nests deeper than {@link Json#MAX_DEPTH}
   * @throws ParseException if the text is not exactly one JSON array
   */
  public static List<String> elements(String text) throws ParseException {
    try {
      return readElements(text);
    } catch (ParseException malformed) {
      throw deepFirst(text, malformed);
    }
  }

  private static List<String> readElements(String text) throws ParseException {
    FlatJson reader = new FlatJson(text);
    List<String> elements = new ArrayList<>();
    reader.skipWhitespace();
    reader.expect('[');
    reader.skipWhitespace();
    if (reader.peek() == ']') {
      reader.pos++;
    } else {
      while (true) {
        reader.skipWhitespace();
        int start = reader.pos;
        reader.skipValue(1);
        elements.add(text.substring(start, reader.pos));
        reader.skipWhitespace();
        char c = reader.next();
        if (c == ']') {
          break;
        }
        if (c != ',') {
          throw reader.error();
        }
      }
    }
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error();
    }
    return elements;
  }

  private void topObject(Members sink) throws ParseException {
    skipWhitespace();
    expect('{');
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    // Claims are a dozen members: a list scan beats hashing until there are many.
    List<String> names = new ArrayList<>(12);
    Set<String> many = null;
    while (true) {
      skipWhitespace();
      String name = name();
      if (many == null && names.size() == 16) {
        many = new HashSet<>(names);
      }
      if (many != null ? !many.add(name) : names.contains(name)) {
        throw error();
      }
      if (many == null) {
        names.add(name);
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      if (sink.raw(name)) {
        int start = pos;
        skipValue(1);
        sink.member(name, new Raw(text.substring(start, pos)));
      } else {
        sink.member(name, topValue());
      }
      skipWhitespace();
      char c = next();
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw error();
      }
    }
  }

  private Object topValue() throws ParseException {
    char c = peek();
    return switch (c) {
      case '"' -> string();
      case '[' -> topArray();
      case '{' -> topLevelObjectValue();
      default -> scalar();
    };
  }

  /** An object: its string members in document order, or {@link #NESTED} if any is not a string. */
  private Object topLevelObjectValue() throws ParseException {
    checkDepth(2);
    expect('{');
    skipWhitespace();
    Map<String, String> strings = new LinkedHashMap<>(4);
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(strings);
    }
    Set<String> names = new HashSet<>();
    boolean onlyStrings = true;
    while (true) {
      skipWhitespace();
      String name = string();
      if (!names.add(name)) {
        throw error();
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      if (onlyStrings && peek() == '"') {
        strings.put(name, string());
      } else {
        onlyStrings = false;
        skipValue(2);
      }
      skipWhitespace();
      char c = next();
      if (c == '}') {
        return onlyStrings ? Collections.unmodifiableMap(strings) : NESTED;
      }
      if (c != ',') {
        throw error();
      }
    }
  }

  /** An array: its strings, or {@link #NESTED} if anything else is in it. */
  private Object topArray() throws ParseException {
    checkDepth(2);
    expect('[');
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return new ArrayList<String>(0);
    }
    List<String> strings = new ArrayList<>(4);
    boolean onlyStrings = true;
    while (true) {
      skipWhitespace();
      if (peek() == '"') {
        String s = string();
        if (onlyStrings) {
          strings.add(s);
        }
      } else {
        onlyStrings = false;
        skipValue(2);
      }
      skipWhitespace();
      char c = next();
      if (c == ']') {
        return onlyStrings ? strings : NESTED;
      }
      if (c != ',') {
        throw error();
      }
    }
  }

  private void skipValue(int depth) throws ParseException {
    switch (peek()) {
      case '"' -> string();
      case '{' -> skipObject(depth + 1);
      case '[' -> skipArray(depth + 1);
      default -> scalar();
    }
  }

  private void skipObject(int depth) throws ParseException {
    checkDepth(depth);
    expect('{');
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    Set<String> names = new HashSet<>();
    while (true) {
      skipWhitespace();
      if (!names.add(string())) {
        throw error();
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      skipValue(depth);
      skipWhitespace();
      char c = next();
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw error();
      }
    }
  }

  private void skipArray(int depth) throws ParseException {
    checkDepth(depth);
    expect('[');
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      skipWhitespace();
      skipValue(depth);
      skipWhitespace();
      char c = next();
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw error();
      }
    }
  }

  private void checkDepth(int depth) throws Json.TooDeep {
    if (depth > Json.MAX_DEPTH) {
      throw new Json.TooDeep(pos);
    }
  }

  /** true, false, null or a number. */
  private Object scalar() throws ParseException {
    if (text.startsWith("true", pos)) {
      pos += 4;
      return Boolean.TRUE;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return Boolean.FALSE;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return NULL;
    }
    return number();
  }

  /** RFC 8259 6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private Object number() throws ParseException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    char first = peek();
    if (first == '0') {
      pos++;
    } else if (first >= '1' && first <= '9') {
      digits();
    } else {
      throw error();
    }
    boolean integral = true;
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      integral = false;
      requireDigit();
      digits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      integral = false;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      requireDigit();
      digits();
    }
    String literal = text.substring(start, pos);
    if (integral && pos - start <= 18) {
      return Long.parseLong(literal); // 18 digits always fit
    }
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooLarge) {
        // a Double, as Gson's LONG_OR_DOUBLE reads it
      }
    }
    double value = Double.parseDouble(literal);
    if (Double.isInfinite(value)) {
      throw error(); // Gson refuses infinities in strict mode
    }
    return value;
  }

  private void requireDigit() throws ParseException {
    char c = peek();
    if (c < '0' || c > '9') {
      throw error();
    }
  }

  private void digits() {
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
  }

  /**
   * A top-level member's name: a JOSE header parameter or a JWT claim the broker reads, written
   * without escapes, is that name's constant (no copy, its hash known); any other as {@link
   * #string}, which it equals.
   */
  private String name() throws ParseException {
    int start = pos + 1;
    if (pos < text.length() && text.charAt(pos) == '"' && start < text.length()) {
      String[] candidates =
          switch (text.charAt(start)) {
            case 'a' -> A_NAMES;
            case 'c' -> C_NAMES;
            case 'e' -> E_NAMES;
            case 'i' -> I_NAMES;
            case 'j' -> J_NAMES;
            case 'k' -> K_NAMES;
            case 'n' -> N_NAMES;
            case 's' -> S_NAMES;
            case 't' -> T_NAMES;
            default -> null;
          };
      if (candidates != null) {
        for (String known : candidates) {
          int end = start + known.length();
          if (end < text.length() && text.charAt(end) == '"' && text.startsWith(known, start)) {
            pos = end + 1;
            return known;
          }
        }
      }
    }
    return string();
  }

  private static final String[] A_NAMES = {"alg", "aud", "act"};
  private static final String[] C_NAMES = {"client_id", "cnf"};
  private static final String[] E_NAMES = {"exp"};
  private static final String[] I_NAMES = {"iss", "iat"};
  private static final String[] J_NAMES = {"jti"};
  private static final String[] K_NAMES = {"kid"};
  private static final String[] N_NAMES = {"nbf"};
  private static final String[] S_NAMES = {"sub", "scope", "sid"};
  private static final String[] T_NAMES = {"typ"};

  private String string() throws ParseException {
    expect('"');
    int start = pos;
    // Fast path: no escape, the substring as is.
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        return text.substring(start, pos++);
      }
      if (c == '\\') {
        break;
      }
      if (c < 0x20) {
        throw error();
      }
      pos++;
    }
    StringBuilder out = new StringBuilder(pos - start + 16).append(text, start, pos);
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          int code = 0;
          for (int i = 0; i < 4; i++) {
            code = code * 16 + hexDigit(next());
          }
          out.append((char) code);
        }
        default -> throw error();
      }
    }
  }

  /** ASCII hex only: Character.digit would take other scripts' digits. */
  private int hexDigit(char c) throws ParseException {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw error();
  }

  /** RFC 8259 2: space, tab, line feed, carriage return; nothing else. */
  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() throws ParseException {
    if (pos >= text.length()) {
      throw error();
    }
    return text.charAt(pos);
  }

  private char next() throws ParseException {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) throws ParseException {
    if (next() != c) {
      throw error();
    }
  }

  private ParseException error() {
    return new ParseException("not a JSON object", Math.min(pos, text.length()));
  }

  private record Marker(String name) {}
}
