package dev.lowres.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The tool's name and version, as recorded in manifests. */
public final class Version {
    /** The version of this build of lowres (from the Maven project version). */
    public static final String VERSION = readVersion();
    /** {@code lowres <version>}. */
    public static final String TOOL = "lowres " + VERSION;

    private Version() {
    }

    private static String readVersion() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/lowres/data/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
