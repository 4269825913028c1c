package dev.lowres.train.engine;

import java.util.Locale;
import org.bytedeco.pytorch.global.torch;

/**
 * Where tensors live: the CPU or one CUDA device. {@code --device cpu|cuda|cuda:N|auto}.
 *
 * @param type CPU or CUDA
 * @param index the CUDA device's index (0 for the CPU)
 */
public record Device(Type type, int index) {
    /** The kinds of device. */
    public enum Type {
        CPU, CUDA
    }

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0: " + index);
        }
    }

    public static Device cpu() {
        return new Device(Type.CPU, 0);
    }

    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (the first GPU when a CUDA build sees
     * one, else the CPU).
     *
     * @throws IllegalArgumentException for another word, or a CUDA device this build or machine does not have
     */
    public static Device parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return Torch.cudaDevices() > 0 ? cuda(0) : cpu();
        }
        if (s.equals("cpu")) {
            return cpu();
        }
        if (s.equals("cuda") || s.equals("gpu") || s.matches("(cuda|gpu):\\d+")) {
            int index = s.indexOf(':') < 0 ? 0 : Integer.parseInt(s.substring(s.indexOf(':') + 1));
            int count = Torch.cudaDevices();
            if (count == 0) {
                throw new IllegalArgumentException("device " + text + ": no CUDA device: "
                        + Torch.cudaUnavailableReason());
            }
            if (index >= count) {
                throw new IllegalArgumentException("device " + text + ": this machine has " + count
                        + " CUDA device(s), cuda:0 to cuda:" + (count - 1));
            }
            return cuda(index);
        }
        throw new IllegalArgumentException("unknown device '" + text + "'; valid: cpu, cuda, cuda:N, auto");
    }

    public boolean isCuda() {
        return type == Type.CUDA;
    }

    /** libtorch's device type. */
    public torch.DeviceType deviceType() {
        return isCuda() ? torch.DeviceType.CUDA : torch.DeviceType.CPU;
    }

    /** libtorch's device. */
    public org.bytedeco.pytorch.Device torchDevice() {
        return new org.bytedeco.pytorch.Device(deviceType(), (byte) (isCuda() ? index : -1));
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + index : "cpu";
    }
}
