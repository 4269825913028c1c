package dev.lowres.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --nproc N}: starts N ranks of the same command on this machine, as torchrun's standalone mode does, and
 * watches them. Each rank is this JVM's command again (same Java, options and class path) with torch's
 * environment ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR=127.0.0.1}), its share
 * of the cores as {@code --threads}, and a fresh {@code file://} rendezvous in a temporary directory; Gloo's
 * traffic stays on 127.0.0.1. Rank 0 writes to this terminal, the others to {@code <logs>/rank-<r>.log}.
 *
 * <p>When a rank fails, the launcher names it and its exit status, gives the others {@link #GRACE_SECONDS} to
 * stop on their own (a peer's death fails their next collective at once), then stops them. A signal to the
 * launcher (Ctrl-C, SIGTERM) reaches every rank, which all stop at the same step with a checkpoint.
 */
final class LocalRanks {
    /**
     * How long the other ranks get to exit on their own after one failed (they cannot go on without it: a rank in a
     * collective fails at once, one in the rendezvous only at the timeout).
     */
    static final int GRACE_SECONDS = 10;

    private LocalRanks() {
    }

    /**
     * Runs the command that {@code spec} parsed, without its {@code --nproc}, as {@code n} ranks: each with
     * {@code threads} threads if given, else the cores divided among the ranks.
     */
    static int launch(picocli.CommandLine.Model.CommandSpec spec, int n, Integer threads, Path logs)
            throws IOException, InterruptedException {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        }
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (args.isEmpty() || !args.get(0).equals(spec.name())) {
            args.add(0, spec.name());
        }
        removeOption(args, "--nproc");
        removeOption(args, "--threads");
        removeOption(args, "-j");
        int each = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        return run(args, CommandLines.typed(spec), n, each, logs, false, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Removes {@code name VALUE}, {@code name=VALUE} and (a short option) {@code -jVALUE} from {@code args}. */
    static void removeOption(List<String> args, String name) {
        boolean shortOption = !name.startsWith("--");
        for (int i = 0; i < args.size(); i++) {
            if (shortOption && args.get(i).startsWith(name) && args.get(i).length() > name.length()
                    && !args.get(i).startsWith(name + "=")) {
                args.remove(i);
                i--;
            } else if (args.get(i).equals(name)) {
                args.remove(i);
                if (i < args.size()) {
                    args.remove(i);
                }
                i--;
            } else if (args.get(i).startsWith(name + "=")) {
                args.remove(i);
                i--;
            }
        }
    }


    /**
     * Runs {@code command} (a lowres command line without {@code --nproc}) as {@code n} ranks.
     *
     * @param command the command and its options, e.g. {@code train --data D ...}
     * @param typed the command line the user typed, which the ranks record
     * @param threads each rank's threads (the option given, or the cores divided among the ranks)
     * @param logs where ranks 1..n-1 write their output
     * @param rank0ToLog rank 0 too (to read its output), instead of this terminal
     * @return 0 when every rank finished; else the exit code of the first rank that failed
     */
    static int run(List<String> command, List<String> typed, int n, int threads, Path logs, boolean rank0ToLog,
                   PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path rendezvous = Files.createTempDirectory("lowres-rdv-");
        Path store = rendezvous.resolve("store");
        List<Process> ranks = new ArrayList<>();
        Thread forward = new Thread(() -> stopAll(ranks, 60), "lowres-ranks-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        try {
            for (int rank = 0; rank < n; rank++) {
                ranks.add(start(command, typed, rank, n, threads, store, logs, rank0ToLog));
            }
            out.printf("started %d ranks on this machine (%d threads each, pids %s); ranks %s-%d log to %s%n", n,
                    threads, ranks.stream().map(p -> String.valueOf(p.pid())).toList(), rank0ToLog ? "0" : "1", n - 1,
                    logs);
            out.flush();
            return watch(ranks, err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(forward);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the ranks
            }
            Files.deleteIfExists(store);
            Files.deleteIfExists(rendezvous);
        }
    }

    private static Process start(List<String> command, List<String> typed, int rank, int n, int threads, Path store,
                                 Path logs, boolean rank0ToLog) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the launcher script's first run dumps a class-data archive at exit: that is the launcher's to write
            if (!option.startsWith("-XX:ArchiveClassesAtExit")) {
                cmd.add(option);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(command);
        cmd.add("--threads");
        cmd.add(String.valueOf(threads));
        cmd.add("--init");
        cmd.add(store.toUri().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("RANK", String.valueOf(rank));
        env.put("LOCAL_RANK", String.valueOf(rank));
        env.put("WORLD_SIZE", String.valueOf(n));
        env.put("MASTER_ADDR", "127.0.0.1");
        env.remove("MASTER_PORT");
        env.put(CommandLines.LAUNCHED_AS, dev.lowres.data.store.Json.mapper().writeValueAsString(typed));
        if (rank == 0 && !rank0ToLog) {
            pb.inheritIO();
        } else {
            Path log = logs.resolve("rank-" + rank + ".log");
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        }
        return pb.start();
    }

    /**
     * Waits for every rank; after the first failure, gives the others the grace period, then stops them. When
     * several have failed by the time it looks, the cause is preferred over its consequences: a rank killed or
     * failing on its own over one that failed because a peer went away (exit 69).
     */
    private static int watch(List<Process> ranks, PrintWriter err) throws InterruptedException {
        int failedRank = -1;
        int failedCode = 0;
        long deadline = Long.MAX_VALUE;
        while (true) {
            boolean alive = ranks.stream().anyMatch(Process::isAlive);
            if (failedRank < 0) {
                failedRank = firstFailure(ranks);
                if (failedRank >= 0) {
                    Process p = ranks.get(failedRank);
                    failedCode = p.exitValue();
                    err.printf("lowres: rank %d (pid %d) %s%s%n", failedRank, p.pid(), describe(failedCode),
                            alive ? "; stopping the other ranks" : "");
                    err.flush();
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
                }
            }
            if (!alive) {
                break;
            }
            if (System.nanoTime() > deadline) {
                stopAll(ranks, 5);
                break;
            }
            ranks.stream().filter(Process::isAlive).findFirst().ifPresent(p -> {
                try {
                    p.waitFor(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (failedRank < 0) {
            return ExitCodes.OK;
        }
        // a rank killed by a signal left no exit code of its own: the group was unavailable
        return failedCode > 128 ? ExitCodes.UNAVAILABLE : failedCode;
    }

    /** The rank whose failure explains the others', among those that have exited non-zero; -1 if none has. */
    static int firstFailure(List<Process> ranks) {
        int consequence = -1;
        for (int r = 0; r < ranks.size(); r++) {
            Process p = ranks.get(r);
            if (!p.isAlive() && p.exitValue() != 0) {
                if (p.exitValue() != ExitCodes.UNAVAILABLE) {
                    return r;
                }
                if (consequence < 0) {
                    consequence = r;
                }
            }
        }
        return consequence;
    }

    static String describe(int exitValue) {
        if (exitValue > 128) {
            int signal = exitValue - 128;
            String name = switch (signal) {
                case 9 -> " (SIGKILL: out of memory, or killed)";
                case 15 -> " (SIGTERM)";
                case 6 -> " (SIGABRT: a native crash)";
                case 11 -> " (SIGSEGV: a native crash)";
                default -> "";
            };
            return "was killed by signal " + signal + name;
        }
        return "exited with code " + exitValue;
    }

    /**
     * Asks every live rank to stop (SIGTERM: they agree on a step, checkpoint and exit), and kills those still alive
     * after {@code seconds}.
     */
    private static void stopAll(List<Process> ranks, int seconds) {
        List<Process> live = ranks.stream().filter(Process::isAlive).toList();
        live.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Process p : live) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
