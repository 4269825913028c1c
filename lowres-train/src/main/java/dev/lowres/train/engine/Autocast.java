package dev.lowres.train.engine;

import org.bytedeco.pytorch.global.torch;

/**
 * A region in which libtorch's autocast runs eligible operations (convolutions, matrix products) in bf16 or
 * fp16 and keeps the rest (reductions, losses) in fp32, as {@code torch.autocast} does. Closing it turns
 * autocast off and clears the cache of weight casts, as leaving {@code torch.autocast} does. A no-op for fp32.
 * Open it around the forward pass only; the backward pass follows the casts recorded by the graph.
 */
public final class Autocast implements AutoCloseable {
    private final Device device;
    private final boolean active;

    private Autocast(Device device, boolean active) {
        this.device = device;
        this.active = active;
    }

    /** Enters autocast for {@code precision} (resolved) on {@code device}. */
    public static Autocast enter(Device device, Precision precision) {
        if (precision == Precision.FP32) {
            return new Autocast(device, false);
        }
        if (precision == Precision.AUTO) {
            throw new IllegalArgumentException("resolve the precision for the device first");
        }
        torch.DeviceType type = device.deviceType();
        torch.set_autocast_dtype(type, precision == Precision.BF16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Half);
        torch.set_autocast_enabled(type, true);
        torch.increment_nesting();
        return new Autocast(device, true);
    }

    @Override
    public void close() {
        if (active) {
            torch.set_autocast_enabled(device.deviceType(), false);
            if (torch.decrement_nesting() == 0) {
                torch.clear_cache();
            }
        }
    }
}
