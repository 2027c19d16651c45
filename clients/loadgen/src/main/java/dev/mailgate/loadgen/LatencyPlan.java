package dev.mailgate.loadgen;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The order of a latency run's deliveries. */
final class LatencyPlan {

  private LatencyPlan() {}

  /**
   * {@code perProvider} deliveries for each provider that has mailboxes, the providers taking turns
   * (Gmail, Outlook, IMAP, Gmail, ...) and each provider's mailboxes in turn, so that one mailbox
   * gets a message as rarely as possible (Gmail pushes at most one notification a second per
   * mailbox and drops the rest).
   */
  static List<BenchMailbox> interleave(List<BenchMailbox> boxes, int perProvider) {
    Map<BenchMailbox.Kind, List<BenchMailbox>> byKind = new EnumMap<>(BenchMailbox.Kind.class);
    for (BenchMailbox box : boxes) {
      byKind.computeIfAbsent(box.kind(), k -> new ArrayList<>()).add(box);
    }
    List<BenchMailbox> plan = new ArrayList<>();
    for (int i = 0; i < perProvider; i++) {
      for (List<BenchMailbox> ofKind : byKind.values()) {
        plan.add(ofKind.get(i % ofKind.size()));
      }
    }
    return plan;
  }

  /**
   * {@code count} deliveries spread evenly over {@code boxes}: every mailbox once (in the given
   * order) before any gets a second.
   */
  static List<BenchMailbox> roundRobin(List<BenchMailbox> boxes, int count) {
    List<BenchMailbox> plan = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      plan.add(boxes.get(i % boxes.size()));
    }
    return plan;
  }
}
