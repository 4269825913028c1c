package dev.lowres.cli;

import dev.lowres.train.dist.World;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The data-parallel options of {@code train} and {@code eval}: start ranks on this machine, or join a group that a
 * launcher (torchrun, SLURM, Kubernetes) started with torch's environment variables.
 */
final class DistributedOptions {
    @Option(names = "--nproc", paramLabel = "N",
            description = "Run as N data-parallel processes on this machine, each with its share of the cores "
                    + "(train: ranks 1..N-1 log to <run>/logs/rank-<r>.log; the recipe's batch size is the global batch).")
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

    /** The N of --nproc, checked; 0 without it (1: this process alone, as without it). */
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
        return World.fromEnvironment(env, init, Duration.ofSeconds(timeoutSeconds));
    }
}
