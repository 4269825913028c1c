package dev.lowres.train.engine;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/** The child JVM of {@link Torch}'s first load: unpacks libtorch into JavaCPP's cache and loads it once. */
public final class Unpack {
    private Unpack() {
    }

    public static void main(String[] args) {
        Loader.load(torch.class);
        System.exit(0);
    }
}
