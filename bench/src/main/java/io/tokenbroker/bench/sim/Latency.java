package io.tokenbroker.bench.sim;

/**
 * A service-time distribution: a constant, an exponential, or a log-normal set by its median and
 * 99th percentile (the shape network call latencies have).
 */
public sealed interface Latency {

  double sample(Engine engine);

  double median();

  static Latency constant(double seconds) {
    return new Constant(seconds);
  }

  static Latency exponential(double mean) {
    return new Exponential(mean);
  }

  static Latency logNormal(double median, double p99) {
    return new LogNormal(median, p99);
  }

  /** Resamples measured values (seconds). */
  static Latency empirical(double... values) {
    return new Empirical(values.clone());
  }

  /** The same distribution with every value multiplied by {@code factor}. */
  default Latency scaled(double factor) {
    return switch (this) {
      case Constant c -> new Constant(c.seconds * factor);
      case Exponential e -> new Exponential(e.mean * factor);
      case LogNormal l -> new LogNormal(l.median * factor, l.p99 * factor);
      case Empirical e -> {
        double[] values = e.values.clone();
        for (int i = 0; i < values.length; i++) {
          values[i] *= factor;
        }
        yield new Empirical(values);
      }
    };
  }

  record Constant(double seconds) implements Latency {
    @Override
    public double sample(Engine engine) {
      return seconds;
    }

    @Override
    public double median() {
      return seconds;
    }
  }

  record Exponential(double mean) implements Latency {
    @Override
    public double sample(Engine engine) {
      return engine.exponential(mean);
    }

    @Override
    public double median() {
      return mean * Math.log(2);
    }
  }

  record Empirical(double[] values) implements Latency {
    public Empirical {
      if (values.length == 0) {
        throw new IllegalArgumentException("no values to resample");
      }
    }

    @Override
    public double sample(Engine engine) {
      return values[engine.random().nextInt(values.length)];
    }

    @Override
    public double median() {
      double[] sorted = values.clone();
      java.util.Arrays.sort(sorted);
      return sorted[sorted.length / 2];
    }

    public double mean() {
      double sum = 0;
      for (double v : values) {
        sum += v;
      }
      return sum / values.length;
    }
  }

  record LogNormal(double median, double p99) implements Latency {
    /** z of the 99th percentile of the standard normal. */
    private static final double Z99 = 2.3263;

    public LogNormal {
      if (median <= 0 || p99 < median) {
        throw new IllegalArgumentException("0 < median <= p99");
      }
    }

    @Override
    public double sample(Engine engine) {
      double sigma = Math.log(p99 / median) / Z99;
      return median * Math.exp(sigma * engine.gaussian());
    }
  }
}
