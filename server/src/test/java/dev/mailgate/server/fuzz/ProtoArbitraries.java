package dev.mailgate.server.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random messages of any type, built from its descriptor: every field may be unset or get a
 * fuzzed value, repeated fields get a few elements or very many, enums get known and unknown
 * numbers, nested messages recurse a few levels.
 */
final class ProtoArbitraries {

  private static final int MAX_DEPTH = 4;
  /** Very many copies of an element stop at this many bytes on the wire. */
  private static final long HUGE_REPEATED_BYTES = 40L * 1024 * 1024;

  private final FuzzValues values;
  private final RealValues real;

  ProtoArbitraries(FuzzValues values, RealValues real) {
    this.values = values;
    this.real = real;
  }

  /**
   * Messages of this type whose ids come, more often than not, from one real context; half of them
   * mild (mostly plausible values, to get deep), half wild.
   */
  Arbitrary<DynamicMessage> messages(Descriptor type) {
    return Combinators.combine(Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().map(real::context)),
            Tuple.of(1, Arbitraries.just(Map.<String, String>of()))), Arbitraries.of(true, false))
        .flatAs((context, wild) -> message(type, context, wild, 0));
  }

  private Arbitrary<DynamicMessage> message(Descriptor type, Map<String, String> context, boolean wild, int depth) {
    List<Arbitrary<Consumer<DynamicMessage.Builder>>> fields = type.getFields().stream()
        .map(field -> field(field, context, wild, depth)).toList();
    if (fields.isEmpty()) {
      return Arbitraries.just(DynamicMessage.getDefaultInstance(type));
    }
    return Combinators.combine(fields).as(setters -> {
      DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
      setters.forEach(setter -> setter.accept(builder));
      return builder.build();
    });
  }

  private Arbitrary<Consumer<DynamicMessage.Builder>> field(FieldDescriptor field, Map<String, String> context,
      boolean wild, int depth) {
    Arbitrary<Consumer<DynamicMessage.Builder>> unset = Arbitraries.just(new Setter(field, "unset", b -> { }));
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
      return unset;
    }
    Arbitrary<Object> single = value(field, context, wild, depth);
    Arbitrary<Consumer<DynamicMessage.Builder>> set;
    if (field.isRepeated()) {
      Arbitrary<List<Object>> few = single.list().ofMaxSize(5);
      Arbitrary<List<Object>> many = Combinators.combine(single, Arbitraries.integers().between(1_000, 200_000))
          .as((element, count) -> Collections.nCopies((int) Math.max(1, Math.min(count,
              HUGE_REPEATED_BYTES / Math.max(1, sizeOf(element)))), element));
      Arbitrary<List<Object>> lists = depth == 0 && wild ? Arbitraries.frequencyOf(Tuple.of(12, few), Tuple.of(1, many)) : few;
      set = lists.map(list -> new Setter(field, list.size() + " elements", b -> list.forEach(v -> b.addRepeatedField(field, v))));
    } else {
      set = single.map(v -> new Setter(field, "set", b -> b.setField(field, v)));
    }
    return Arbitraries.frequencyOf(Tuple.of(1, unset), Tuple.of(wild ? 3 : 8, set));
  }

  @SuppressWarnings("unchecked")
  private Arbitrary<Object> value(FieldDescriptor field, Map<String, String> context, boolean wild, int depth) {
    FieldDescriptor.JavaType type = field.getJavaType();
    Arbitrary<?> value = switch (type) {
      case STRING -> values.string(field.getName(), context, wild);
      case BYTE_STRING -> values.bytes(wild).map(ByteString::copyFrom);
      case INT -> values.int32(field.getName(), wild);
      case LONG -> values.int64();
      case BOOLEAN -> Arbitraries.of(true, false);
      case FLOAT -> Arbitraries.of(0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MAX_VALUE);
      case DOUBLE -> Arbitraries.of(0d, -1d, Double.NaN, Double.NEGATIVE_INFINITY, Double.MIN_VALUE);
      case ENUM -> wild ? enumValue(field.getEnumType()) : Arbitraries.of(field.getEnumType().getValues());
      case MESSAGE -> message(field.getMessageType(), context, wild, depth + 1);
    };
    return (Arbitrary<Object>) value;
  }

  /** A declared value, or a number the enum does not declare (proto3 enums are open). */
  private static Arbitrary<Object> enumValue(EnumDescriptor type) {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(type.getValues()).map(v -> (Object) v)),
        Tuple.of(1, Arbitraries.of(-1, 99, 1_000_000, Integer.MIN_VALUE, Integer.MAX_VALUE)
            .map(n -> (Object) type.findValueByNumberCreatingIfUnknown(n))));
  }

  private static long sizeOf(Object element) {
    if (element instanceof String text) {
      return text.getBytes(StandardCharsets.UTF_8).length + 2L;
    }
    if (element instanceof ByteString bytes) {
      return bytes.size() + 2L;
    }
    if (element instanceof Message message) {
      return message.getSerializedSize() + 2L;
    }
    return 10;
  }

  /** A field setter that prints what it does, so jqwik's reports stay readable. */
  private record Setter(FieldDescriptor field, String what, Consumer<DynamicMessage.Builder> apply)
      implements Consumer<DynamicMessage.Builder> {
    @Override
    public void accept(DynamicMessage.Builder builder) {
      apply.accept(builder);
    }

    @Override
    public String toString() {
      return field.getName() + ": " + what;
    }
  }
}
