package dev.lowres.data.corrupt;

import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.ImageHeader;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * The reference's {@code x.save(out, 'JPEG', quality=q); PIL.Image.open(out)}: a baseline JFIF written by
 * {@code javax.imageio}'s JPEG writer (IJG libjpeg: RGB to YCbCr in fixed point, 4:2:0 chroma for colour,
 * islow DCT, standard Huffman tables) and decoded by lowres's PIL-identical {@link ImageDecoder}
 * (libjpeg-turbo, islow IDCT, fancy upsampling). A grey image is written as a one-component JPEG, as PIL
 * writes mode {@code L}.
 *
 * <p>Quality: the writer's own {@code setCompressionQuality(q / 100f)} scales the tables in float and gives
 * other tables than IJG's {@code jpeg_set_quality(q, force_baseline=TRUE)} (which PIL calls) for 35 of the
 * qualities 1..100 (e.g. 41, 85), though not for any in the parameter tables. lowres therefore computes the
 * IJG tables itself (Annex K tables, {@code scale = q < 50 ? 5000 / q : 200 - 2q} percent,
 * {@code (base * scale + 50) / 100} clamped to 1..255) and puts them into the image metadata: checked
 * equal to PIL 9.4's tables and sampling factors for every quality 1..100.
 *
 * <p>Not thread-safe; {@link Corruptions} keeps one per thread.
 */
final class JpegRoundTrip implements AutoCloseable {
    private static final String FORMAT = "javax_imageio_jpeg_image_1.0";
    /** ITU T.81 Annex K.1, luminance, natural (row-major) order. */
    private static final int[] LUMINANCE = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
    /** ITU T.81 Annex K.2, chrominance. */
    private static final int[] CHROMINANCE = {
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};

    private final ImageWriter writer;
    private final ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT);
    private final Map<Integer, IIOMetadata> metadata = new HashMap<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    JpegRoundTrip() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no javax.imageio JPEG writer in this JVM");
        }
        writer = writers.next();
    }

    /** IJG's {@code jpeg_quality_scaling} and {@code jpeg_add_quant_table} with force_baseline. */
    static int[] ijgTable(int[] base, int quality) {
        int q = Math.max(1, Math.min(100, quality));
        int scale = q < 50 ? 5000 / q : 200 - 2 * q;
        int[] out = new int[64];
        for (int i = 0; i < 64; i++) {
            long t = ((long) base[i] * scale + 50) / 100;
            out[i] = (int) Math.max(1, Math.min(255, t));
        }
        return out;
    }

    /** Encodes {@code image} (planar, 1 or 3 channels) at {@code quality} and decodes it into {@code out}. */
    void roundTrip(byte[] image, int channels, int height, int width, int quality, byte[] out) {
        int plane = height * width;
        BufferedImage buffered = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
        if (channels == 1) {
            System.arraycopy(image, 0, data, 0, plane);
        } else {
            for (int i = 0, j = 0; i < plane; i++, j += 3) {
                data[j] = image[2 * plane + i];
                data[j + 1] = image[plane + i];
                data[j + 2] = image[i];
            }
        }
        bytes.reset();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(buffered, null, metadata(buffered, channels, quality)), null);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        }
        byte[] encoded = bytes.toByteArray();
        DecodedImage decoded;
        try {
            decoded = decoder.decode(encoded, encoded.length);
        } catch (BadImageException e) {
            throw new IllegalStateException("cannot decode the JPEG lowres just wrote", e);
        }
        int[] px = decoded.pixels();
        if (decoded.width() != width || decoded.height() != height) {
            throw new IllegalStateException("JPEG round trip changed the size");
        }
        for (int i = 0; i < plane; i++) {
            int p = px[i];
            out[i] = (byte) (p >>> 24);
            if (channels == 3) {
                out[plane + i] = (byte) (p >>> 16);
                out[2 * plane + i] = (byte) (p >>> 8);
            }
        }
    }

    private IIOMetadata metadata(BufferedImage image, int channels, int quality) {
        return metadata.computeIfAbsent(channels * 1000 + quality, key -> {
            IIOMetadata md = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), null);
            IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(FORMAT);
            NodeList tables = root.getElementsByTagName("dqtable");
            for (int i = 0; i < tables.getLength(); i++) {
                IIOMetadataNode node = (IIOMetadataNode) tables.item(i);
                int id = Integer.parseInt(node.getAttribute("qtableId"));
                node.setUserObject(new JPEGQTable(ijgTable(id == 0 ? LUMINANCE : CHROMINANCE, quality)));
            }
            try {
                md.setFromTree(FORMAT, root);
            } catch (IIOInvalidTreeException e) {
                throw new IllegalStateException("cannot set the JPEG quantisation tables", e);
            }
            return md;
        });
    }

    @Override
    public void close() {
        writer.dispose();
        decoder.close();
    }
}
