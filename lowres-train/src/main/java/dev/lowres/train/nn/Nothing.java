package dev.lowres.train.nn;

import org.bytedeco.pytorch.TensorOptional;

/** The empty optional tensor that libtorch takes for an absent bias, made once. */
final class Nothing {
    private static TensorOptional empty;

    private Nothing() {
    }

    static synchronized TensorOptional tensor() {
        if (empty == null) {
            empty = new TensorOptional();
            empty.retainReference();
        }
        return empty;
    }
}
