package dev.lowres.data.interop;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file layouts {@link Importer} reads; {@link #id()} is the name used on the command line. */
public enum ImportFormat {
    /** Downsampled-ImageNet pickle batches: {@code train_data_batch_1..N} and {@code val_data}. */
    IMAGENET32_PICKLE("imagenet32-pickle"),
    /** The same batches as npz: {@code train_data_batch_1.npz..N.npz} and {@code val_data.npz}. */
    IMAGENET32_NPZ("imagenet32-npz"),
    /** CIFAR-10 binary version: {@code data_batch_1.bin..5.bin}, {@code test_batch.bin}. */
    CIFAR10("cifar10"),
    /** CIFAR-100 binary version: {@code train.bin}, {@code test.bin}, fine labels. */
    CIFAR100("cifar100"),
    /** IDX files of MNIST and look-alikes: {@code train-images-idx3-ubyte} and friends, optionally gzipped. */
    IDX("idx"),
    /** IDX files with Fashion-MNIST's class names ({@link StandardClassNames#FASHION_MNIST}). */
    FASHION_MNIST("fashion-mnist");

    private final String id;

    ImportFormat(String id) {
        this.id = id;
    }

    /** The command-line name, also recorded as the manifest's {@code source_layout}. */
    public String id() {
        return id;
    }

    /** Whether labels are ILSVRC clsloc labels, remapped by wnid into a {@code ClassOrder}. */
    public boolean isImageNet() {
        return this == IMAGENET32_PICKLE || this == IMAGENET32_NPZ;
    }

    /** Whether the files are IDX files. */
    public boolean isIdx() {
        return this == IDX || this == FASHION_MNIST;
    }

    /**
     * The format named {@code text}: an {@link #id()}, or one of the aliases {@code mnist}, {@code cifar-10},
     * {@code cifar-100}.
     */
    public static ImportFormat parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "mnist":
                return IDX;
            case "cifar-10":
                return CIFAR10;
            case "cifar-100":
                return CIFAR100;
            default:
                for (ImportFormat f : values()) {
                    if (f.id.equals(t)) {
                        return f;
                    }
                }
                throw new IllegalArgumentException("unknown import format '" + text + "'; valid: "
                        + Arrays.stream(values()).map(ImportFormat::id).collect(Collectors.joining(", ")));
        }
    }
}
