package dev.lowres.cli;

import dev.lowres.train.dist.World;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The data-parallel options of {@code train}: start ranks on this machine, or join a group that a launcher
 * (torchrun, SLURM, Kubernetes) started with torch's environment variables.
 */
final class DistributedOptions {
    @Option(names = "--nproc", paramLabel = "N",
            description = "Train data-parallel in N processes on this machine (each with its share of the cores; "
                    + "ranks 1..N-1 log to <run>/logs/rank-<r>.log). The recipe's batch size is the global batch.")
    Integer nproc;

    @Option(names = "--init", paramLabel = "URL",
            description = "Where the ranks of a group meet: file:///shared/path (a file every rank sees, new for each "
                    + "launch) or tcp://host:port; with RANK and WORLD_SIZE set. Without it, MASTER_ADDR and MASTER_PORT "
                    + "(torchrun's) are used when WORLD_SIZE is set.")
    String init;

    @Option(names = "--dist-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long a rank waits for the others (rendezvous and each collective) before it fails. "
                    + "Default: 300.")
    int timeoutSeconds;

    @Option(names = "--check-sync", paramLabel = "K", defaultValue = "0",
            description = "Check every K steps that all ranks hold the same weights, and stop if not (debugging). "
                    + "Default: 0 (never).")
    int checkSyncEvery;

    @Option(names = "--sync-bn",
            description = "Batch norm normalises by the statistics of the global batch (all ranks' images), as "
                    + "torch.nn.SyncBatchNorm; default: per-rank statistics, as DistributedDataParallel.")
    boolean syncBatchNorm;

    /** The N of --nproc, checked; 0 without it. */
    int localRanks() {
        if (nproc == null) {
            return 0;
        }
        if (nproc < 1) {
            throw new IllegalArgumentException("--nproc must be at least 1: " + nproc);
        }
        if (System.getenv("WORLD_SIZE") != null) {
            throw new IllegalArgumentException("--nproc starts its own ranks: do not give it to a process that a "
                    + "launcher started with WORLD_SIZE set");
        }
        if (init != null) {
            throw new IllegalArgumentException("--nproc makes its own rendezvous: give --init only to processes "
                    + "started by another launcher");
        }
        return nproc;
    }

    /** This process's world from the environment (and --init), or null to train alone. */
    World world(Map<String, String> env) {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--dist-timeout must be at least 1 second: " + timeoutSeconds);
        }
        if (checkSyncEvery < 0) {
            throw new IllegalArgumentException("--check-sync must be >= 0: " + checkSyncEvery);
        }
        return World.fromEnvironment(env, init, Duration.ofSeconds(timeoutSeconds));
    }
}
