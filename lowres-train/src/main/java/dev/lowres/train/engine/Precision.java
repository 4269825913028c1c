package dev.lowres.train.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The arithmetic of the forward and backward passes: {@code --precision fp32|bf16|fp16|auto}. Mixed precision
 * runs through libtorch's autocast with fp32 master weights (the optimizer, the weight average, batch-norm
 * statistics and checkpoints stay fp32); fp16 needs a GPU and dynamic loss scaling.
 */
public enum Precision {
    FP32, BF16, FP16, AUTO;

    /** Parses {@code fp32}, {@code bf16}, {@code fp16} or {@code auto}. */
    public static Precision parse(String text) {
        for (Precision p : values()) {
            if (p.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + text + "'; valid: fp32, bf16, fp16, auto");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision to run on {@code device}: {@code auto} is bf16 on a GPU and on a CPU with native bf16
     * instructions (AVX-512 BF16 or AMX), fp32 elsewhere (emulated bf16 is slower than fp32).
     *
     * @throws IllegalArgumentException for fp16 on a CPU
     */
    public Precision resolve(Device device) {
        return switch (this) {
            case AUTO -> device.isCuda() || cpuHasBf16() ? BF16 : FP32;
            case FP16 -> {
                if (!device.isCuda()) {
                    throw new IllegalArgumentException("fp16 needs a CUDA device (on a CPU use bf16 or fp32)");
                }
                yield FP16;
            }
            default -> this;
        };
    }

    /** Whether the CPU runs bf16 arithmetic natively (the avx512_bf16 or amx_bf16 flags of /proc/cpuinfo). */
    public static boolean cpuHasBf16() {
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo"));
            return flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
