package dev.lowres.data.image;

import java.util.ArrayList;
import java.util.List;

/** The JPEG backends available on this machine, and decoders that use a given one, for tests. */
final class JpegBackends {
    private JpegBackends() {
    }

    /** {@code leptonica} always; {@code turbojpeg} where the system has libturbojpeg. */
    static List<String> available() {
        List<String> names = new ArrayList<>(List.of("leptonica"));
        if (TurboJpegDecoder.available()) {
            names.add("turbojpeg");
        }
        return names;
    }

    /** A decoder whose JPEG backend is {@code name}. */
    static synchronized ImageDecoder decoder(String name, long maxPixels) {
        String previous = System.getProperty("lowres.jpeg");
        System.setProperty("lowres.jpeg", name);
        try {
            return new ImageDecoder(maxPixels);
        } finally {
            if (previous == null) {
                System.clearProperty("lowres.jpeg");
            } else {
                System.setProperty("lowres.jpeg", previous);
            }
        }
    }
}
