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

/**
 * Random messages of any type, built from its descriptor: every field may be unset or get a
 * fuzzed value, repeated fields get a few elements or very many, enums get known and unknown
 * numbers, nested messages recurse a few levels.
 */
final class ProtoMessages {

  private static final int MAX_DEPTH = 4;
  /** Very many copies of an element stop at this many bytes on the wire. */
  private static final long HUGE_REPEATED_BYTES = 40L * 1024 * 1024;

  private final FuzzValues values;
  private final RealValues real;

  ProtoMessages(FuzzValues values, RealValues real) {
    this.values = values;
    this.real = real;
  }

  /**
   * Messages of this type whose ids come, more often than not, from one real context; half of them
   * mild (mostly plausible values, to get deep), half wild.
   */
  Gen<DynamicMessage> messages(Descriptor type) {
    Gen<Map<String, String>> contexts = Gen.frequency(
        Gen.weight(3, Gen.integers().map(real::context)),
        Gen.weight(1, Gen.just(Map.<String, String>of())));
    Gen<Boolean> wildness = Gen.of(true, false);
    return random -> {
      Map<String, String> context = contexts.next(random);
      return message(type, context, wildness.next(random), 0).next(random);
    };
  }

  private Gen<DynamicMessage> message(Descriptor type, Map<String, String> context, boolean wild, int depth) {
    List<Gen<Consumer<DynamicMessage.Builder>>> fields = type.getFields().stream()
        .map(field -> field(field, context, wild, depth)).toList();
    if (fields.isEmpty()) {
      return Gen.just(DynamicMessage.getDefaultInstance(type));
    }
    return Gen.all(fields).map(setters -> {
      DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
      setters.forEach(setter -> setter.accept(builder));
      return builder.build();
    });
  }

  private Gen<Consumer<DynamicMessage.Builder>> field(FieldDescriptor field, Map<String, String> context,
      boolean wild, int depth) {
    Gen<Consumer<DynamicMessage.Builder>> unset = Gen.just(new Setter(field, "unset", b -> { }));
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
      return unset;
    }
    Gen<Object> single = value(field, context, wild, depth);
    Gen<Consumer<DynamicMessage.Builder>> set;
    if (field.isRepeated()) {
      Gen<List<Object>> few = single.list(0, 5);
      Gen<List<Object>> many = Gen.combine(single, Gen.integers(1_000, 200_000),
          (element, count) -> Collections.nCopies((int) Math.max(1, Math.min(count,
              HUGE_REPEATED_BYTES / Math.max(1, sizeOf(element)))), element));
      Gen<List<Object>> lists = depth == 0 && wild ? Gen.frequency(Gen.weight(12, few), Gen.weight(1, many)) : few;
      set = lists.map(list -> new Setter(field, list.size() + " elements", b -> list.forEach(v -> b.addRepeatedField(field, v))));
    } else {
      set = single.map(v -> new Setter(field, "set", b -> b.setField(field, v)));
    }
    return Gen.frequency(Gen.weight(1, unset), Gen.weight(wild ? 3 : 8, set));
  }

  private Gen<Object> value(FieldDescriptor field, Map<String, String> context, boolean wild, int depth) {
    FieldDescriptor.JavaType type = field.getJavaType();
    Gen<?> value = switch (type) {
      case STRING -> values.string(field.getName(), context, wild);
      case BYTE_STRING -> values.bytes(wild).map(ByteString::copyFrom);
      case INT -> values.int32(field.getName(), wild);
      case LONG -> values.int64();
      case BOOLEAN -> Gen.of(true, false);
      case FLOAT -> Gen.of(0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MAX_VALUE);
      case DOUBLE -> Gen.of(0d, -1d, Double.NaN, Double.NEGATIVE_INFINITY, Double.MIN_VALUE);
      case ENUM -> wild ? enumValue(field.getEnumType()) : Gen.of(field.getEnumType().getValues());
      case MESSAGE -> message(field.getMessageType(), context, wild, depth + 1);
    };
    return value.map(v -> (Object) v);
  }

  /** A declared value, or a number the enum does not declare (proto3 enums are open). */
  private static Gen<Object> enumValue(EnumDescriptor type) {
    return Gen.frequency(
        Gen.weight(4, Gen.of(type.getValues()).map(v -> (Object) v)),
        Gen.weight(1, Gen.of(-1, 99, 1_000_000, Integer.MIN_VALUE, Integer.MAX_VALUE)
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

  /** A field setter that prints what it does, so failure reports stay readable. */
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
