package dev.lowres.cli;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Torch;
import picocli.CommandLine.Option;

/** The engine options shared by train, eval, bench train and demo: threads, device, precision, memory format. */
final class EngineOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEV",
            description = "cpu, cuda, cuda:N, or auto (the first GPU of a CUDA build, else the CPU). Default: auto.")
    String device;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
            description = "fp32, bf16, fp16 (GPU) or auto: mixed precision through autocast with fp32 master "
                    + "weights; auto is bf16 on a GPU or a CPU with AVX-512 BF16 / AMX, fp32 elsewhere. Default: auto.")
    String precision;

    @Option(names = "--channels-last", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Keep weights and activations channels-last (NHWC), which convolutions run faster; "
                    + "--no-channels-last keeps NCHW. Default: on.")
    boolean channelsLast;

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "libtorch CPU threads (and loader threads). Default: the cores.")
    Integer threads;

    /** The threads to use: the option, or the cores. */
    int threads() {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        }
        return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** Loads the engine with its threads set, and parses the device. */
    Device device() {
        Torch.threads(threads());
        return Device.parse(device);
    }

    /** The precision as given (auto is resolved against the device by the library). */
    Precision precision() {
        return Precision.parse(precision);
    }
}
