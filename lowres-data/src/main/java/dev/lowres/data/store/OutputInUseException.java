package dev.lowres.data.store;

/**
 * An output directory that a build or an import may not write: it holds a finished dataset of other inputs,
 * the unfinished build of other inputs or options, or another build is writing it right now. The command
 * line reports it with exit code 73 (cannot create), as every other occupied output.
 */
public final class OutputInUseException extends DatasetException {
    private static final long serialVersionUID = 1L;

    public OutputInUseException(String message) {
        super(message);
    }
}
