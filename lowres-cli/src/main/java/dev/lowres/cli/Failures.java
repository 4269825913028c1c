package dev.lowres.cli;

import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.OutputInUseException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns exceptions that escape a command into one clear line on stderr and a documented exit code; the
 * stack trace only with {@code --debug} (or {@code LOWRES_DEBUG=1}) or for a bug.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean debug = "1".equals(System.getenv("LOWRES_DEBUG")) || parsed.originalArgs().contains("--debug");
        int code = exitCode(ex);
        String message = message(ex);
        cli.getErr().println("lowres " + cli.getCommandName() + ": error: " + message);
        if (debug || code == ExitCodes.SOFTWARE) {
            ex.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return code;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof dev.lowres.train.dist.DistributedException) {
            return ExitCodes.UNAVAILABLE;
        }
        if (ex instanceof SourceException || ex instanceof NoSuchFileException) {
            return ExitCodes.NO_INPUT;
        }
        if (ex instanceof OutputInUseException) {
            return ExitCodes.CANT_CREATE;
        }
        if (ex instanceof DatasetException) {
            return ExitCodes.NO_INPUT;
        }
        if (ex instanceof AccessDeniedException || ex instanceof FileAlreadyExistsException) {
            return ExitCodes.CANT_CREATE;
        }
        if (ex instanceof IOException) {
            return ExitCodes.IO;
        }
        return ExitCodes.SOFTWARE;
    }

    static String message(Throwable ex) {
        if (ex instanceof FileSystemException fs) {
            String reason = fs.getReason();
            String what = reason != null ? reason
                    : fs instanceof AccessDeniedException ? "permission denied"
                    : fs instanceof NoSuchFileException ? "no such file or directory"
                    : fs instanceof FileAlreadyExistsException ? "already exists"
                    : fs.getClass().getSimpleName();
            return "cannot use " + fs.getFile() + ": " + what
                    + (fs.getOtherFile() != null ? " (" + fs.getOtherFile() + ")" : "");
        }
        if (ex instanceof IOException && ex.getMessage() != null && ex.getMessage().contains("No space left")) {
            return "disk full: " + ex.getMessage() + " (finished shards are kept; free space and run the "
                    + "same command again to resume)";
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getName() : m;
    }
}
