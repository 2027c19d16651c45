package dev.mailgate.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape in the Prometheus text format, read back: samples by name and labels. */
record PrometheusText(String text, List<Sample> samples) {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher matcher = LINE.matcher(line);
      if (!matcher.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (matcher.group(3) != null) {
        Matcher label = LABEL.matcher(matcher.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      String value = matcher.group(4);
      samples.add(new Sample(matcher.group(1), labels, value.equals("+Inf") ? Double.POSITIVE_INFINITY
          : value.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(value)));
    }
    return new PrometheusText(text, samples);
  }

  /** The samples named {@code name} whose labels include all of {@code labels}. */
  List<Sample> matching(String name, Map<String, String> labels) {
    return samples.stream().filter(sample -> sample.name().equals(name)
        && labels.entrySet().stream().allMatch(label -> label.getValue().equals(sample.labels().get(label.getKey()))))
        .toList();
  }

  /** The sum of those samples' values (0 if there is none). */
  double sum(String name, Map<String, String> labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Whether any sample is named {@code name}. */
  boolean has(String name) {
    return samples.stream().anyMatch(sample -> sample.name().equals(name));
  }
}
