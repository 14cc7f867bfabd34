package io.tokenbroker.json;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one JSON object into maps and lists, as {@link Json#object} reads it through Nimbus's Gson
 * (strict mode), without Gson: for an API Gateway event, whose read would otherwise build Nimbus's
 * Gson (about 160 classes and reflection) in a cold start (issue 13). Values are {@link String},
 * {@link Long} (an integer that fits) or {@link Double} (any other number), {@link Boolean}, null,
 * {@code Map<String, Object>} (member order kept) and {@code List<Object>}.
 *
 * <p>As strict as Gson's read, and as {@code AuthorizerEvent} reads the same text: RFC 8259 only
 * (space, tab, line feed and carriage return as whitespace; one U+FEFF at the very start skipped);
 * raw control characters in strings, escapes other than JSON's, upper-case literals, leading zeros,
 * numbers Gson would make an infinite double, numbers of 1,024 characters and more, and integers
 * whose digits Gson's accumulator wraps to zero are refused, as Gson refused them; nesting deeper
 * than {@link Json#MAX_DEPTH} is {@link Json.TooDeep}, also in malformed text (the bracket count
 * runs first, as before).
 *
 * <p>Stricter in two places, as {@code AuthorizerEvent} and {@link FlatJson} are: a member name
 * twice in one object is refused at every level (Gson refused it at the top level unless the first
 * value was null, and kept the last of nested ones), and a top-level array of {@code [name, value]}
 * pairs (Gson's form for maps with complex keys) is not an object. {@code
 * EventTreeDifferentialTest} holds it to the Gson read.
 */
public final class JsonTree {

  /** Gson reads a number in its 1024-character buffer and refuses one that does not fit. */
  private static final int MAX_NUMBER_CHARS = 1024;

  /** Objects with more members than this check duplicate names in a set, not pairwise. */
  private static final int PAIRWISE_NAMES = 16;

  private final String text;
  private int pos;
  private int depth;

  private JsonTree(String text) {
    this.text = text;
  }

  /**
   * @throws Json.TooDeep if it nests deeper than {@link Json#MAX_DEPTH}
   * @throws ParseException if the text is not exactly one JSON object
   */
  public static Map<String, Object> object(String text) throws ParseException {
    Json.requireDepthWithinLimit(text);
    JsonTree reader = new JsonTree(text);
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      reader.pos = 1;
    }
    reader.skipWhitespace();
    if (reader.peek() != '{') {
      throw reader.error();
    }
    Map<String, Object> object = reader.object();
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error();
    }
    return object;
  }

  private Object value() throws ParseException {
    skipWhitespace();
    char c = peek();
    return switch (c) {
      case '"' -> string();
      case '{' -> object();
      case '[' -> array();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> number();
    };
  }

  private Map<String, Object> object() throws ParseException {
    enter();
    pos++; // {
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return members;
    }
    List<String> names = new ArrayList<>();
    Set<String> many = null;
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error();
      }
      String name = string();
      if (many == null && names.size() == PAIRWISE_NAMES) {
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
      members.put(name, value());
      if (!more('}')) {
        depth--;
        return members;
      }
    }
  }

  private List<Object> array() throws ParseException {
    enter();
    pos++; // [
    List<Object> elements = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return elements;
    }
    do {
      elements.add(value());
    } while (more(']'));
    depth--;
    return elements;
  }

  /** After a member or element: true past a comma, false past the closing bracket. */
  private boolean more(char close) throws ParseException {
    skipWhitespace();
    char c = next();
    if (c == ',') {
      return true;
    }
    if (c == close) {
      return false;
    }
    throw error();
  }

  private void enter() throws Json.TooDeep {
    if (++depth > Json.MAX_DEPTH) {
      throw new Json.TooDeep(pos);
    }
  }

  private Object literal(String word, Object value) throws ParseException {
    if (!text.startsWith(word, pos)) {
      throw error();
    }
    pos += word.length();
    return value;
  }

  /** RFC 8259 6, with Gson's limits (see the class comment); as Gson's LONG_OR_DOUBLE makes it. */
  private Object number() throws ParseException {
    int start = pos;
    if (pos < text.length() && text.charAt(pos) == '-') {
      pos++;
    }
    integerPart();
    boolean integral = true;
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      integral = false;
      requireDigits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      integral = false;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      requireDigits();
    }
    if (pos - start >= MAX_NUMBER_CHARS) {
      throw error();
    }
    String literal = text.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooLarge) {
        // a Double, as LONG_OR_DOUBLE reads it
      }
    }
    double value = Double.parseDouble(literal);
    if (Double.isInfinite(value)) {
      throw error(); // Gson refuses infinities in strict mode
    }
    return value;
  }

  /**
   * The integer part as Gson reads it: digits accumulated into a long (wrapping, as Gson's does
   * once the number no longer fits), and a digit after an accumulated 0 refused. That refuses a
   * leading zero, and also a long integer whose wrapped accumulator comes to 0.
   */
  private void integerPart() throws ParseException {
    int start = pos;
    long value = 0;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      if (pos > start && value == 0) {
        throw error();
      }
      value = value * 10 - (text.charAt(pos++) - '0');
    }
    if (pos == start) {
      throw error();
    }
  }

  private void requireDigits() throws ParseException {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == start) {
      throw error();
    }
  }

  private String string() throws ParseException {
    pos++; // "
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
        throw error(); // Gson's strict mode refuses raw control characters
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
          out.append((char) code); // a lone surrogate too, as Gson takes it
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
}
