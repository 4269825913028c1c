package dev.lowres.train.recipe;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A closed choice written as a word in recipes and options (e.g. {@code cosine}, {@code hinton}, {@code l1}). */
public interface Word {
    /** The word for it. */
    String id();

    /**
     * The constant of {@code type} whose word is {@code text} (case and surrounding space ignored).
     *
     * @param what the key or option it is given for, in the error
     * @throws IllegalArgumentException naming the valid words
     */
    static <E extends Enum<E> & Word> E parse(Class<E> type, String what, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.id().equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException(what + " must be " + Arrays.stream(type.getEnumConstants())
                .map(Word::id).collect(Collectors.joining(", ")) + ": " + text);
    }
}
