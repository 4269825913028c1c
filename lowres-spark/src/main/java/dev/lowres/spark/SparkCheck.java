package dev.lowres.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lowres.data.Version;
import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.store.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Checks that a Spark installation (or a local classpath) runs lowres tasks: each of N tasks encodes a small
 * JPEG, decodes it with lowres-data's {@link ImageDecoder} (libjpeg-turbo through leptonica's natives or the
 * system's libturbojpeg) and reports through lowres-data's Jackson configuration; the driver prints one JSON
 * line a task and fails unless every task decoded its image exactly.
 *
 * <pre>
 * spark-submit --class dev.lowres.spark.SparkCheck lowres-spark/target/lowres-spark-job.jar [tasks]
 * java -cp 'lowres-spark/target/lowres-spark.jar:lowres-spark/target/lib/*' dev.lowres.spark.SparkCheck [tasks]
 * </pre>
 * Without a master (no spark-submit, no {@code -Dspark.master}) it runs in {@code local[2]}, bound to
 * 127.0.0.1 with the UI off.
 */
public final class SparkCheck {
    private SparkCheck() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        SparkConf conf = new SparkConf().setAppName("lowres-spark-check");
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[2]")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
        }
        boolean ok;
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            List<String> lines = jsc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                    .map(SparkCheck::check)
                    .collect();
            long bad = 0;
            for (String line : lines) {
                System.out.println(line);
                bad += Json.mapper().readTree(line).path("exact").asBoolean(false) ? 0 : 1;
            }
            System.out.println("lowres-spark check: " + (lines.size() - bad) + " of " + tasks + " tasks exact ("
                    + Version.TOOL + ", Spark " + jsc.version() + ", master " + jsc.master() + ")");
            ok = bad == 0 && lines.size() == tasks;
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /** One task's work: a grey JPEG of a shade given by the task's number, decoded and compared. */
    static String check(int task) throws BadImageException, JsonProcessingException {
        int shade = (task * 37) % 256;
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.getRaster().setSample(x, y, 0, shade);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", jpeg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] data = jpeg.toByteArray();
        boolean exact = true;
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            DecodedImage decoded = decoder.decode(data, data.length);
            exact = decoded.width() == 16 && decoded.height() == 16;
            int[] pixels = decoded.pixels();
            for (int i = 0; i < 16 * 16 && exact; i++) { // a flat grey encodes losslessly
                exact = (pixels[i] >>> 24) == shade && ((pixels[i] >>> 16) & 0xff) == shade
                        && ((pixels[i] >>> 8) & 0xff) == shade;
            }
        }
        TaskContext ctx = TaskContext.get();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("task", task);
        report.put("partition", ctx == null ? -1 : ctx.partitionId());
        report.put("attempt", ctx == null ? -1 : ctx.attemptNumber());
        report.put("jpeg_decoder", ImageDecoder.jpegDecoder());
        report.put("exact", exact);
        return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
    }
}
