package dev.lowres.cli;

/**
 * The exit codes of every lowres command (after BSD's sysexits where one fits); each command's help lists
 * the ones it returns.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected failure (a bug: please report it with the stack trace printed by --debug). */
    public static final int SOFTWARE = 1;
    /** Wrong command-line usage: unknown option, bad value, missing argument. */
    public static final int USAGE = 2;
    /** The data are wrong: a dataset fails verification, an input cannot be read as the format it claims. */
    public static final int DATA = 65;
    /** An input named on the command line does not exist or is not a dataset. */
    public static final int NO_INPUT = 66;
    /**
     * A data-parallel peer is unavailable: another rank died, cannot be reached, or fell behind by more than the
     * timeout; relaunching resumes from the last checkpoint.
     */
    public static final int UNAVAILABLE = 69;
    /** The output cannot be written: full disk, no permission, an output that already exists. */
    public static final int CANT_CREATE = 73;
    /** An I/O error while working. */
    public static final int IO = 74;
    /** Interrupted (Ctrl-C); the work done so far is kept and a rerun resumes it. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
