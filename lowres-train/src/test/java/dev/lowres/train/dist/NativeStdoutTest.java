package dev.lowres.train.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.NativeLibrary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NativeStdoutTest {
    /** Writes {@code text} to file descriptor 1 with libc's write(2), as native code would. */
    private static void nativeWrite(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        NativeLibrary.getInstance("c").getFunction("write").invokeLong(new Object[] {1, bytes, (long) bytes.length});
    }

    @Test
    void nativeLinesAreCapturedAndOnlyTheDroppedOnesDisappear() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String result = NativeStdout.filtered(NativeStdout::isGlooReport, out, () -> {
            nativeWrite("before\n[Gloo] Rank 0 is connected to 1 peer ranks. Expected number of connected peer "
                    + "ranks is : 1\nafter\n");
            return "made";
        });
        assertEquals("made", result);
        assertEquals("before\nafter\n", bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aFailingBodyStillRestoresTheOutputAndReplaysIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> NativeStdout.filtered(NativeStdout::isGlooReport, out, () -> {
            nativeWrite("said before failing\n");
            throw new IllegalStateException("no group");
        }));
        assertEquals("said before failing\n", bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(),
                "\n"));
        // descriptor 1 is the process's own again: a second capture sees only its own lines
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        NativeStdout.filtered(line -> false, new PrintStream(second, true, StandardCharsets.UTF_8), () -> {
            nativeWrite("second\n");
            return null;
        });
        assertEquals("second\n", second.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void overlappingBodiesShareOneCaptureAndRestoreTheOutputOnce() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        java.util.concurrent.CountDownLatch bothIn = new java.util.concurrent.CountDownLatch(2);
        Runnable rank = () -> NativeStdout.filtered(NativeStdout::isGlooReport, out, () -> {
            bothIn.countDown();
            try {
                bothIn.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            nativeWrite("[Gloo] Rank x is connected\nkept\n");
            return null;
        });
        Thread a = new Thread(rank);
        Thread b = new Thread(rank);
        a.start();
        b.start();
        a.join();
        b.join();
        assertEquals("kept\nkept\n", bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        NativeStdout.filtered(line -> false, new PrintStream(after, true, StandardCharsets.UTF_8), () -> {
            nativeWrite("alone\n");
            return null;
        });
        assertEquals("alone\n", after.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
