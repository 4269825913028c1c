package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recipe's quantization-aware training ({@code quantize}): none, or DoReFa-Net's k-bit weights and
 * activations (Zhou et al. 2016, "DoReFa-Net: Training Low Bitwidth Convolutional Neural Networks with Low
 * Bitwidth Gradients"; the arithmetic is lowres-train's {@code nn.DoReFa}). Written in a recipe as {@code none}
 * or {@code dorefa:w<bits>a<bits>}.
 */
public sealed interface Quantization {
    /** No quantization. */
    Quantization NONE = new None();

    /** The recipe's word for it. */
    @JsonValue
    String id();

    /**
     * Parses a recipe's {@code quantize}.
     *
     * @throws IllegalArgumentException naming the form and the valid bits
     */
    @JsonCreator
    static Quantization parse(String text) {
        String t = text == null ? "none" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("none")) {
            return NONE;
        }
        Matcher m = Pattern.compile("dorefa:w(\\d{1,2})a(\\d{1,2})").matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("quantize must be none or dorefa:w<bits>a<bits>, e.g. dorefa:w4a4: "
                    + text);
        }
        return new DoReFa(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** No quantization. */
    record None() implements Quantization {
        @Override
        public String id() {
            return "none";
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /**
     * DoReFa's quantizers.
     *
     * @param weightBits bits per weight, 1 to 8 (32: full precision)
     * @param activationBits bits per activation, 1 to 8 (32: full precision)
     */
    record DoReFa(int weightBits, int activationBits) implements Quantization {
        public DoReFa {
            for (int b : new int[] {weightBits, activationBits}) {
                if (!(b >= 1 && b <= 8) && b != 32) {
                    throw new IllegalArgumentException("quantize must be dorefa:w<bits>a<bits> with 1 to 8 bits "
                            + "(32: full precision), e.g. dorefa:w4a4: dorefa:w" + weightBits + "a" + activationBits);
                }
            }
        }

        @Override
        public String id() {
            return "dorefa:w" + weightBits + "a" + activationBits;
        }

        @Override
        public String toString() {
            return id();
        }
    }
}
