package io.tokenbroker.telemetry;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * One structured log line: a level, an event name ({@code token.issued}), fields, and optionally
 * metrics whose dimensions are taken from the fields.
 */
public record TelemetryEvent(
    Level level, String name, Map<String, Object> fields, List<Metric> metrics) {

  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /** A count (or other value) published as a metric; dimensions name fields of the event. */
  public record Metric(String name, String unit, double value, List<String> dimensions) {}

  /**
   * The field map of an event, made by this record and never changed once the event holds it: an
   * event made from another's map ({@link #with}'s fresh copy, {@link #count}'s unchanged map)
   * takes it as is rather than copying it again. Names and values in two arrays, in the order the
   * fields were first put (as a {@code LinkedHashMap} keeps them, which this was): an event has a
   * handful of fields, and a decision's line adds five of them one at a time (issue 13). Read-only.
   */
  public static final class Fields extends AbstractMap<String, Object> {
    private static final Fields EMPTY = new Fields(new String[0], new Object[0]);

    private final String[] names;
    private final Object[] values;
    private Set<Map.Entry<String, Object>> entries;

    private Fields(String[] names, Object[] values) {
      this.names = names;
      this.values = values;
    }

    /** A copy of {@code fields}, in its iteration order. */
    static Fields of(Map<String, Object> fields) {
      if (fields.isEmpty()) {
        return EMPTY;
      }
      String[] names = new String[fields.size()];
      Object[] values = new Object[names.length];
      int i = 0;
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        names[i] = field.getKey();
        values[i++] = field.getValue();
      }
      return new Fields(names, values);
    }

    /** These fields with {@code name} set to {@code value}: in its place if present, else last. */
    Fields with(String name, Object value) {
      int at = indexOf(name);
      if (at >= 0) {
        Object[] changed = values.clone();
        changed[at] = value;
        return new Fields(names, changed);
      }
      String[] moreNames = Arrays.copyOf(names, names.length + 1);
      Object[] moreValues = Arrays.copyOf(values, values.length + 1);
      moreNames[names.length] = name;
      moreValues[values.length] = value;
      return new Fields(moreNames, moreValues);
    }

    private int indexOf(Object name) {
      for (int i = 0; i < names.length; i++) {
        if (Objects.equals(names[i], name)) {
          return i;
        }
      }
      return -1;
    }

    /** How many fields; {@link #name} and {@link #value} read them by position, without entries. */
    @Override
    public int size() {
      return names.length;
    }

    public String name(int i) {
      return names[i];
    }

    public Object value(int i) {
      return values[i];
    }

    @Override
    public boolean containsKey(Object name) {
      return indexOf(name) >= 0;
    }

    @Override
    public Object get(Object name) {
      int at = indexOf(name);
      return at < 0 ? null : values[at];
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      if (entries == null) {
        entries =
            new AbstractSet<>() {
              @Override
              public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                  private int next;

                  @Override
                  public boolean hasNext() {
                    return next < names.length;
                  }

                  @Override
                  public Map.Entry<String, Object> next() {
                    if (next >= names.length) {
                      throw new NoSuchElementException();
                    }
                    int i = next++;
                    return new AbstractMap.SimpleImmutableEntry<>(names[i], values[i]);
                  }
                };
              }

              @Override
              public int size() {
                return names.length;
              }
            };
      }
      return entries;
    }
  }

  public TelemetryEvent {
    fields = fields instanceof Fields ours ? ours : Fields.of(fields);
    metrics = List.copyOf(metrics);
  }

  /** A line for diagnosis, written only when the function's log level is DEBUG. */
  public static TelemetryEvent debug(String name) {
    return new TelemetryEvent(Level.DEBUG, name, Map.of(), List.of());
  }

  public static TelemetryEvent info(String name) {
    return new TelemetryEvent(Level.INFO, name, Map.of(), List.of());
  }

  public static TelemetryEvent warn(String name) {
    return new TelemetryEvent(Level.WARN, name, Map.of(), List.of());
  }

  public static TelemetryEvent error(String name) {
    return new TelemetryEvent(Level.ERROR, name, Map.of(), List.of());
  }

  /** This event with one more field; null values are left out. */
  public TelemetryEvent with(String field, Object value) {
    if (value == null) {
      return this;
    }
    return new TelemetryEvent(level, name, ((Fields) fields).with(field, value), metrics);
  }

  /** This event counting once towards {@code metric}, split by the given fields. */
  public TelemetryEvent count(String metric, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, "Count", 1, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }

  /** This event recording a value in {@code unit} (a CloudWatch unit) towards {@code metric}. */
  public TelemetryEvent measure(String metric, String unit, double value, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, unit, value, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }

  /** This event recording a duration in milliseconds towards {@code metric}. */
  public TelemetryEvent millis(String metric, double value, String... dimensions) {
    List<Metric> more = new ArrayList<>(metrics);
    more.add(new Metric(metric, "Milliseconds", value, List.of(dimensions)));
    return new TelemetryEvent(level, name, fields, more);
  }
}
