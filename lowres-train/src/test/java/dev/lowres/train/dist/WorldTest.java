package dev.lowres.train.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A process's world from torchrun's environment and --init, and the errors a misconfigured launch gets. */
class WorldTest {
    static final Duration T = Duration.ofSeconds(30);

    @Test
    void noWorldSizeMeansTrainingAlone() {
        assertNull(World.fromEnvironment(Map.of(), null, T));
        assertNull(World.fromEnvironment(Map.of("WORLD_SIZE", "1", "RANK", "0"), null, T));
    }

    @Test
    void torchrunsVariablesGiveATcpRendezvous() {
        World w = World.fromEnvironment(Map.of("WORLD_SIZE", "8", "RANK", "5", "LOCAL_RANK", "1",
                "MASTER_ADDR", "node0", "MASTER_PORT", "29500"), null, T);
        assertEquals(5, w.rank());
        assertEquals(8, w.size());
        assertEquals(1, w.localRank());
        assertEquals(new Rendezvous.Tcp("node0", 29500), w.rendezvous());
        assertEquals(false, w.leader());
    }

    @Test
    void initFileWinsOverTheMaster() {
        World w = World.fromEnvironment(Map.of("WORLD_SIZE", "2", "RANK", "0", "MASTER_ADDR", "x", "MASTER_PORT", "1"),
                "file:///shared/runs/w36.rdv", T);
        assertEquals(new Rendezvous.File(Path.of("/shared/runs/w36.rdv")), w.rendezvous());
        assertEquals(0, w.localRank(), "LOCAL_RANK defaults to the rank");
        assertTrue(w.leader());
        assertEquals(new Rendezvous.Tcp("10.0.0.1", 23456),
                World.fromEnvironment(Map.of("WORLD_SIZE", "2", "RANK", "1"), "tcp://10.0.0.1:23456", T).rendezvous());
    }

    @Test
    void eachMisconfigurationIsNamed() {
        assertMessage("RANK is not", Map.of("WORLD_SIZE", "2"), null);
        assertMessage("MASTER_ADDR", Map.of("WORLD_SIZE", "2", "RANK", "0"), null);
        assertMessage("MASTER_PORT", Map.of("WORLD_SIZE", "2", "RANK", "0", "MASTER_ADDR", "h"), null);
        assertMessage("must be 0-1", Map.of("WORLD_SIZE", "2", "RANK", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1"), null);
        assertMessage("WORLD_SIZE must be an integer", Map.of("WORLD_SIZE", "two", "RANK", "0"), null);
        assertMessage("port must be 1-65535", Map.of("WORLD_SIZE", "2", "RANK", "0", "MASTER_ADDR", "h",
                "MASTER_PORT", "70000"), null);
        assertMessage("--init needs WORLD_SIZE", Map.of(), "file:///tmp/x");
        assertMessage("takes file:///path or tcp://host:port", Map.of("WORLD_SIZE", "2", "RANK", "0"), "env://");
        assertMessage("absolute path", Map.of("WORLD_SIZE", "2", "RANK", "0"), "file://host/x");
        assertMessage("host:port", Map.of("WORLD_SIZE", "2", "RANK", "0"), "tcp://node0");
    }

    private static void assertMessage(String part, Map<String, String> env, String init) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> World.fromEnvironment(env, init, T));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
