package dev.lowres.train.loop;

/** The loss became NaN or infinite: the run stops at that step and keeps its last good checkpoint. */
public final class TrainingDiverged extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long step;

    public TrainingDiverged(long step, String message) {
        super(message);
        this.step = step;
    }

    public long step() {
        return step;
    }
}
