package dev.lowres.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses {@code --device}: {@code auto} (every GPU, else the CPU), {@code cpu}, {@code gpu}, {@code gpu0,gpu1}. */
final class Devices {
    private Devices() {
    }

    /** Sets PyTorch's threads; must run before the engine starts. */
    static void threads(Integer threads) {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1: " + threads);
            }
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        System.setProperty("ai.djl.offline", "true");
    }

    static List<Device> parse(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        int gpus = Engine.getInstance().getGpuCount();
        List<Device> devices = new ArrayList<>();
        switch (s) {
            case "auto":
                for (int i = 0; i < gpus; i++) {
                    devices.add(Device.gpu(i));
                }
                if (devices.isEmpty()) {
                    devices.add(Device.cpu());
                }
                return devices;
            case "cpu":
                return List.of(Device.cpu());
            case "gpu":
                if (gpus == 0) {
                    throw new IllegalArgumentException("--device gpu: no GPU found (build with -Pcuda for NVIDIA GPUs)");
                }
                return List.of(Device.gpu(0));
            default:
                for (String part : s.split(",")) {
                    String p = part.trim();
                    if (!p.matches("gpu\\d+")) {
                        throw new IllegalArgumentException("--device must be auto, cpu, gpu or a list like gpu0,gpu1: "
                                + spec);
                    }
                    int id = Integer.parseInt(p.substring(3));
                    if (id >= gpus) {
                        throw new IllegalArgumentException("--device " + p + ": only " + gpus + " GPUs found");
                    }
                    devices.add(Device.gpu(id));
                }
                return devices;
        }
    }
}
