package dev.lowres.data.synth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * One thread's JPEG and PNG writers ({@code javax.imageio}). With an explicit quality the JDK's encoder
 * is a pure function of the pixels, so the files are reproducible. Not thread-safe.
 */
final class Encoder implements AutoCloseable {
    private final ImageWriter jpeg = writer("jpeg");
    private final ImageWriter png = writer("png");

    /** Whether this JDK's JPEG writer can write progressive JPEGs. */
    boolean canWriteProgressive() {
        return jpeg.getDefaultWriteParam().canWriteProgressive();
    }

    /** A baseline (or progressive) JFIF JPEG at {@code quality} (1..100, libjpeg's scale). */
    byte[] jpeg(BufferedImage image, int quality, boolean progressive) throws IOException {
        ImageWriteParam param = jpeg.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        if (progressive && param.canWriteProgressive()) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        return write(jpeg, image, param);
    }

    /** A PNG. */
    byte[] png(BufferedImage image) throws IOException {
        return write(png, image, png.getDefaultWriteParam());
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.reset();
        }
        return bytes.toByteArray();
    }

    private static ImageWriter writer(String format) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JDK has no javax.imageio " + format + " writer");
        }
        return writers.next();
    }

    @Override
    public void close() {
        jpeg.dispose();
        png.dispose();
    }
}
