package dev.lowres.train.dist;

import java.time.Duration;
import java.util.Map;

/**
 * A process's place in a data-parallel group, as torchrun and SLURM-style launchers give it.
 *
 * @param rank this process's rank, 0 to {@code size - 1}; rank 0 writes the run directory
 * @param size the number of processes (the world size)
 * @param localRank its rank among the processes of its machine (its GPU, on a GPU machine)
 * @param rendezvous where the group meets
 * @param timeout how long a collective (and the rendezvous) may wait for the other ranks before failing
 */
public record World(int rank, int size, int localRank, Rendezvous rendezvous, Duration timeout) {
    /** The default collective timeout: long enough for a validation pass on a slow rank, short enough to not hang. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public World {
        if (size < 1) {
            throw new IllegalArgumentException("the world size must be at least 1 (WORLD_SIZE): " + size);
        }
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("the rank must be 0-" + (size - 1) + " for world size " + size
                    + " (RANK): " + rank);
        }
        if (localRank < 0) {
            throw new IllegalArgumentException("the local rank must be at least 0 (LOCAL_RANK): " + localRank);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the collective timeout must be positive: " + timeout);
        }
    }

    /** Whether this process writes the run directory. */
    public boolean leader() {
        return rank == 0;
    }

    /**
     * The world the environment describes, torchrun's way: {@code WORLD_SIZE}, {@code RANK}, {@code LOCAL_RANK}
     * (default: the rank), and {@code MASTER_ADDR}/{@code MASTER_PORT} unless {@code init} names a rendezvous.
     * Null when no {@code WORLD_SIZE} is set and no {@code init} is given: a single process.
     *
     * @param env the environment
     * @param init an {@code --init} URL ({@code file:///path}, {@code tcp://host:port}) or null
     * @param timeout the collective timeout
     * @throws IllegalArgumentException naming the variable that is missing or wrong
     */
    public static World fromEnvironment(Map<String, String> env, String init, Duration timeout) {
        String worldSize = env.get("WORLD_SIZE");
        if (worldSize == null) {
            if (init != null) {
                throw new IllegalArgumentException("--init needs WORLD_SIZE and RANK in the environment (or --nproc N)");
            }
            return null;
        }
        int size = integer(env, "WORLD_SIZE");
        if (size == 1 && init == null && env.get("MASTER_ADDR") == null) {
            return null;
        }
        if (env.get("RANK") == null) {
            throw new IllegalArgumentException("WORLD_SIZE is set but RANK is not: each process needs its rank");
        }
        int rank = integer(env, "RANK");
        int local = env.get("LOCAL_RANK") == null ? rank : integer(env, "LOCAL_RANK");
        Rendezvous rendezvous;
        if (init != null) {
            rendezvous = Rendezvous.parse(init);
        } else {
            String host = env.get("MASTER_ADDR");
            String port = env.get("MASTER_PORT");
            if (host == null || port == null) {
                throw new IllegalArgumentException("WORLD_SIZE is set but " + (host == null ? "MASTER_ADDR" : "MASTER_PORT")
                        + " is not: give MASTER_ADDR and MASTER_PORT (rank 0's address) or --init file:///shared/path");
            }
            rendezvous = new Rendezvous.Tcp(host, integer(env, "MASTER_PORT"));
        }
        return new World(rank, size, local, rendezvous, timeout);
    }

    private static int integer(Map<String, String> env, String name) {
        String value = env.get(name).trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer: '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return "rank " + rank + " of " + size + " (" + rendezvous + ")";
    }
}
