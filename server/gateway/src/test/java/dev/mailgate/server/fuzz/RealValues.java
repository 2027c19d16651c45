package dev.mailgate.server.fuzz;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values the gateway really handed out (user, connection, message, thread, attachment and draft
 * ids, page tokens, authorization states), learnt by walking answers generically, so fuzzed calls
 * get past NOT_FOUND into the providers. Values are kept by field name, and also as coherent
 * contexts (the ids found together in one answer), so a request can name a message of the
 * connection of the user it names. Bounded: old values make way for new ones.
 */
final class RealValues {

  private static final int PER_FIELD = 200;
  private static final int CONTEXTS = 500;

  private final Map<String, List<String>> byField = new HashMap<>();
  private final List<Map<String, String>> contexts = new ArrayList<>();
  private final Map<String, List<Integer>> ints = new HashMap<>();

  /** Learns from an answer to {@code request}: its strings, and one context per message in it. */
  synchronized void learn(Message request, Message response) {
    Map<String, String> base = new LinkedHashMap<>();
    strings(request, base);
    walk(response, base);
  }

  /** Remembers a value of a field that answers do not carry (a request id, a port). */
  synchronized void add(String field, String value) {
    List<String> values = byField.computeIfAbsent(field, f -> new ArrayList<>());
    if (values.contains(value)) {
      return;
    }
    if (values.size() >= PER_FIELD) {
      values.remove(0);
    }
    values.add(value);
  }

  synchronized void addInt(String field, int value) {
    ints.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
  }

  /** A real value for the field (by its name, its suffix or its singular), or empty. */
  synchronized Optional<String> pick(String field, int index) {
    List<String> values = lookup(field);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(Math.floorMod(index, values.size())));
  }

  /** Any real value of any field. */
  synchronized Optional<String> pickAny(int index) {
    List<String> all = byField.values().stream().flatMap(List::stream).toList();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(Math.floorMod(index, all.size())));
  }

  synchronized Optional<Integer> pickInt(String field, int index) {
    List<Integer> values = ints.get(field);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(Math.floorMod(index, values.size())));
  }

  /** One coherent set of ids seen together, or an empty map when none is known. */
  synchronized Map<String, String> context(int index) {
    return contexts.isEmpty() ? Map.of() : contexts.get(Math.floorMod(index, contexts.size()));
  }

  /** The value a context holds for a field, by the same name rules as {@link #pick}. */
  static Optional<String> inContext(Map<String, String> context, String field) {
    String exact = context.get(field);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (var entry : context.entrySet()) {
      if (field.endsWith("_" + entry.getKey()) || field.equals(entry.getKey() + "s")
          || field.endsWith("_" + entry.getKey() + "s")) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  private List<String> lookup(String field) {
    List<String> exact = byField.get(field);
    if (exact != null) {
      return exact;
    }
    for (var entry : byField.entrySet()) {
      String known = entry.getKey();
      if (field.endsWith("_" + known) || field.equals(known + "s") || field.endsWith("_" + known + "s")) {
        return entry.getValue();
      }
    }
    return null;
  }

  private void walk(Message message, Map<String, String> base) {
    Map<String, String> context = new LinkedHashMap<>(base);
    strings(message, context);
    for (var entry : context.entrySet()) {
      add(entry.getKey(), entry.getValue());
    }
    if (context.size() > base.size()) {
      if (contexts.size() >= CONTEXTS) {
        contexts.remove(0);
      }
      contexts.add(Map.copyOf(context));
    }
    for (var field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.getKey().isRepeated()) {
        for (Object item : (List<?>) field.getValue()) {
          walk((Message) item, context);
        }
      } else {
        walk((Message) field.getValue(), context);
      }
    }
  }

  /** The non-empty singular strings of a message; a next_page_token is learnt as a page_token. */
  private static void strings(Message message, Map<String, String> into) {
    for (var field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() == FieldDescriptor.JavaType.STRING && !descriptor.isRepeated()) {
        String value = (String) field.getValue();
        if (!value.isEmpty() && value.length() <= 4096) {
          into.put(descriptor.getName().equals("next_page_token") ? "page_token" : descriptor.getName(), value);
        }
      }
    }
  }
}
