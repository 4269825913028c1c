package dev.lowres.data.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build lock between processes: held while its holder lives, gone with it however it dies. */
class BuildLockTest {
    @TempDir
    Path dir;

    /** Holds the lock of {@code args[0]} until killed. */
    public static void main(String[] args) throws Exception {
        BuildLock lock = BuildLock.acquire(Path.of(args[0]));
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
        lock.close();
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsDeathReleasesTheLock() throws Exception {
        Path out = dir.resolve("ds");
        Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BuildLockTest.class.getName(), out.toString()))
                .redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("locked", lines.readLine());
            OutputInUseException busy = assertThrows(OutputInUseException.class, () -> BuildLock.acquire(out));
            assertTrue(busy.getMessage().contains("pid " + holder.pid()), busy.getMessage());
            holder.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no close()
        }
        assertTrue(Files.exists(out.resolve(BuildLock.FILE)), "the killed holder's lock file is still there");
        try (BuildLock mine = BuildLock.acquire(out)) {
            assertTrue(Files.readString(out.resolve(BuildLock.FILE)).contains("pid " + ProcessHandle.current().pid()));
        }
        assertFalse(Files.exists(out.resolve(BuildLock.FILE)), "removed by its holder's close");
    }
}
