package dev.lowres.data.image;

/** An image container format, recognised from the first bytes of a file, never from its name. */
public enum ImageFormat {
    JPEG, PNG, GIF, BMP, TIFF, WEBP, UNKNOWN;

    /**
     * Recognises the format from the file's signature.
     *
     * @param data the file's bytes (only the first 12 are looked at)
     * @param length how many bytes of {@code data} are valid
     * @return the format, or {@link #UNKNOWN}
     */
    public static ImageFormat sniff(byte[] data, int length) {
        if (length >= 3 && u8(data, 0) == 0xFF && u8(data, 1) == 0xD8 && u8(data, 2) == 0xFF) {
            return JPEG;
        }
        if (length >= 8 && u8(data, 0) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G'
                && data[4] == 0x0D && data[5] == 0x0A && data[6] == 0x1A && data[7] == 0x0A) {
            return PNG;
        }
        if (length >= 6 && data[0] == 'G' && data[1] == 'I' && data[2] == 'F' && data[3] == '8'
                && (data[4] == '7' || data[4] == '9') && data[5] == 'a') {
            return GIF;
        }
        if (length >= 14 && data[0] == 'B' && data[1] == 'M') {
            return BMP;
        }
        if (length >= 4 && ((data[0] == 'I' && data[1] == 'I' && data[2] == 42 && data[3] == 0)
                || (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] == 42))) {
            return TIFF;
        }
        if (length >= 12 && data[0] == 'R' && data[1] == 'I' && data[2] == 'F' && data[3] == 'F'
                && data[8] == 'W' && data[9] == 'E' && data[10] == 'B' && data[11] == 'P') {
            return WEBP;
        }
        return UNKNOWN;
    }

    private static int u8(byte[] data, int i) {
        return data[i] & 0xFF;
    }
}
