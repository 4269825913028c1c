package dev.lowres.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What machine a benchmark ran on. */
final class Machine {
    private Machine() {
    }

    /** The CPU model from /proc/cpuinfo, or the architecture. */
    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }
}
