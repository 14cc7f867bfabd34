package io.tokenbroker.adapters.http;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import io.tokenbroker.json.JsonTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads a Lambda event from its stream as a JSON object, within Lambda's payload size and the JSON
 * depth every caller-supplied document gets; anything beyond is {@code invalid_request} (400). The
 * HTTP functions read their events here ({@link #readEvent}; {@link #readJson} is the Gson read it
 * replaced, kept as the reference the differential tests hold both to); the authorizer reads its
 * event's text here ({@link #readText}) and its JSON itself.
 */
public final class BoundedEventReader {

  /** Lambda's own request payload limit; anything larger did not come from API Gateway. */
  public static final int MAX_EVENT_BYTES = 6 * 1024 * 1024;

  /** What a typical event fits in (an authorizer event is about 2 KB): the first read buffer. */
  public static final int FIRST_READ_BYTES = 4096;

  /** An event's bytes: {@code array[0, length)}. */
  public record Bytes(byte[] array, int length) {}

  private BoundedEventReader() {}

  /**
   * @throws RequestRejected {@code invalid_request}: {@code event_too_large}, {@code
   *     event_too_deep} or {@code malformed_event}
   */
  public static Map<String, Object> readJson(InputStream in) throws IOException {
    String text = readUtf8(in, MAX_EVENT_BYTES);
    try {
      return Json.object(text);
    } catch (Json.TooDeep e) {
      throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_DEEP, "request nested too deeply");
    } catch (ParseException e) {
      throw RequestRejected.invalidRequest(HttpReason.MALFORMED_EVENT, "malformed request event");
    }
  }

  /**
   * {@link #readJson}'s read without Nimbus's Gson ({@link JsonTree}): the HTTP functions' event
   * read (issue 13). The same limits and refusals; stricter only where {@link JsonTree} says.
   *
   * @throws RequestRejected {@code invalid_request}: {@code event_too_large}, {@code
   *     event_too_deep} or {@code malformed_event}
   */
  public static Map<String, Object> readEvent(InputStream in) throws IOException {
    String text = readUtf8(in, MAX_EVENT_BYTES);
    try {
      return JsonTree.object(text);
    } catch (Json.TooDeep e) {
      throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_DEEP, "request nested too deeply");
    } catch (ParseException e) {
      throw RequestRejected.invalidRequest(HttpReason.MALFORMED_EVENT, "malformed request event");
    }
  }

  /**
   * The event's text (UTF-8, malformed bytes replaced), for a caller that reads the JSON itself
   * (the authorizer).
   *
   * @throws RequestRejected {@code invalid_request}: {@code event_too_large}
   */
  public static String readText(InputStream in) throws IOException {
    return readUtf8(in, MAX_EVENT_BYTES);
  }

  /**
   * The stream's bytes as UTF-8 text, refused as {@code event_too_large} beyond {@code limit}
   * bytes. The buffer starts at {@link #FIRST_READ_BYTES} and doubles, rather than {@code
   * readNBytes}' 16 KB first chunk and final copy for every event.
   */
  private static String readUtf8(InputStream in, int limit) throws IOException {
    Bytes bytes = read(in, new byte[FIRST_READ_BYTES], limit);
    return new String(bytes.array(), 0, bytes.length(), StandardCharsets.UTF_8);
  }

  /**
   * The event's bytes, read into {@code buffer} if they fit, else into a larger array (the
   * authorizer reuses its buffer from one event to the next).
   *
   * @throws RequestRejected {@code invalid_request}: {@code event_too_large}
   */
  public static Bytes readBytes(InputStream in, byte[] buffer) throws IOException {
    return read(in, buffer, MAX_EVENT_BYTES);
  }

  private static Bytes read(InputStream in, byte[] buffer, int limit) throws IOException {
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length > limit) {
          throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_LARGE, "request too large");
        }
        // Room for one byte beyond the limit, so that an event over it is seen to be over it.
        buffer =
            Arrays.copyOf(
                buffer,
                (int) Math.min((long) limit + 1, Math.max(FIRST_READ_BYTES, 2L * buffer.length)));
      }
      int read = in.read(buffer, length, buffer.length - length);
      if (read < 0) {
        break;
      }
      length += read;
    }
    if (length > limit) {
      throw RequestRejected.invalidRequest(HttpReason.EVENT_TOO_LARGE, "request too large");
    }
    return new Bytes(buffer, length);
  }
}
