package dev.mailgate.server.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of random values: the fuzz test's own small replacement for a property-testing
 * library. Everything it draws comes from the {@link SplittableRandom} it is handed, so one seed
 * replays the same values. Generators are evaluated lazily, each time a value is drawn.
 */
@FunctionalInterface
interface Gen<T> {

  T next(SplittableRandom random);

  /** One choice of a {@link #frequency} generator: drawn with probability weight / total weight. */
  record Weighted<T>(int weight, Gen<? extends T> gen) {}

  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    return random -> f.apply(next(random));
  }

  default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
    return random -> f.apply(next(random)).next(random);
  }

  /** Values that pass the predicate; gives up after 10,000 misses in a row. */
  default Gen<T> filter(Predicate<? super T> keep) {
    return random -> {
      for (int i = 0; i < 10_000; i++) {
        T value = next(random);
        if (keep.test(value)) {
          return value;
        }
      }
      throw new IllegalStateException("a filter kept none of 10,000 values");
    };
  }

  /** Lists of min to max (inclusive) independently drawn elements. */
  default Gen<List<T>> list(int min, int max) {
    return random -> {
      int size = random.nextInt(min, max + 1);
      List<T> list = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        list.add(next(random));
      }
      return list;
    };
  }

  static <T> Gen<T> just(T value) {
    return random -> value;
  }

  @SafeVarargs
  static <T> Gen<T> of(T... values) {
    return of(List.of(values));
  }

  static <T> Gen<T> of(List<? extends T> values) {
    List<? extends T> copy = List.copyOf(values);
    return random -> copy.get(random.nextInt(copy.size()));
  }

  static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
    return new Weighted<>(weight, gen);
  }

  @SafeVarargs
  static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
    return frequency(List.of(choices));
  }

  static <T> Gen<T> frequency(List<? extends Weighted<? extends T>> choices) {
    List<? extends Weighted<? extends T>> copy = List.copyOf(choices);
    int total = copy.stream().mapToInt(Weighted::weight).sum();
    return random -> {
      int pick = random.nextInt(total);
      for (Weighted<? extends T> choice : copy) {
        pick -= choice.weight();
        if (pick < 0) {
          return choice.gen().next(random);
        }
      }
      throw new IllegalStateException("unreachable");
    };
  }

  /** One of the generators, each as likely. */
  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    List<Gen<? extends T>> copy = List.of(gens);
    return random -> copy.get(random.nextInt(copy.size())).next(random);
  }

  static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
    return random -> {
      A first = a.next(random);
      return f.apply(first, b.next(random));
    };
  }

  /** One value of each generator, in order. */
  static <T> Gen<List<T>> all(List<? extends Gen<? extends T>> gens) {
    List<? extends Gen<? extends T>> copy = List.copyOf(gens);
    return random -> {
      List<T> values = new ArrayList<>(copy.size());
      for (Gen<? extends T> gen : copy) {
        values.add(gen.next(random));
      }
      return values;
    };
  }

  /** Any int. */
  static Gen<Integer> integers() {
    return SplittableRandom::nextInt;
  }

  /** Ints from min to max, inclusive. */
  static Gen<Integer> integers(int min, int max) {
    return random -> (int) random.nextLong(min, (long) max + 1);
  }

  /** Any long. */
  static Gen<Long> longs() {
    return SplittableRandom::nextLong;
  }

  /** Longs from min to max, inclusive (max below Long.MAX_VALUE). */
  static Gen<Long> longs(long min, long max) {
    return random -> random.nextLong(min, max + 1);
  }

  /** Byte arrays of min to max bytes, each byte anything. */
  static Gen<byte[]> bytes(int min, int max) {
    return bytes(min, max, Byte.MIN_VALUE, Byte.MAX_VALUE);
  }

  /** Byte arrays of min to max bytes, each byte from low to high (as unsigned or signed values). */
  static Gen<byte[]> bytes(int min, int max, int low, int high) {
    return random -> {
      byte[] bytes = new byte[random.nextInt(min, max + 1)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) random.nextInt(low, high + 1);
      }
      return bytes;
    };
  }

  /** Strings of min to max chars, each drawn from {@code chars}. */
  static Gen<String> strings(Gen<Character> chars, int min, int max) {
    return random -> {
      int length = random.nextInt(min, max + 1);
      StringBuilder text = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        text.append((char) chars.next(random));
      }
      return text.toString();
    };
  }

  /** Chars from the given set. */
  static Gen<Character> chars(String set) {
    return random -> set.charAt(random.nextInt(set.length()));
  }

  /** Chars from first to last, inclusive. */
  static Gen<Character> charRange(char first, char last) {
    return random -> (char) random.nextInt(first, last + 1);
  }

  /** US-ASCII, control characters included. */
  static Gen<Character> ascii() {
    return charRange('\u0000', '\u007f');
  }

  /** Any UTF-16 char, lone surrogates and noncharacters included. */
  static Gen<Character> anyChar() {
    return charRange('\u0000', '\uffff');
  }

  /** Letters, digits and the extra chars. */
  static Gen<Character> alphaNumeric(String extra) {
    return chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + extra);
  }
}
