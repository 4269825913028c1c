package dev.lowres.train.dist;

/** The ranks of a data-parallel run hold different weights (found by the periodic weight check). */
public final class ReplicasDiverged extends RuntimeException {
    private final long step;

    public ReplicasDiverged(long step, String message) {
        super(message);
        this.step = step;
    }

    public long step() {
        return step;
    }
}
