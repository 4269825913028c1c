package dev.lowres.data.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Small ILSVRC-style trees made of the fixture images ({@link Fixtures}), for builder tests. */
public final class TestTrees {
    /** tench: every baseline RGB fixture. */
    public static final String TENCH = "n01440764";
    /** kit_fox (clsloc label 1): the special and the bad fixtures. */
    public static final String KIT_FOX = "n02119789";
    /** goldfish. */
    public static final String GOLDFISH = "n01443537";

    private TestTrees() {
    }

    /**
     * Writes {@code root/train/<wnid>/...} with three classes and a flat {@code root/val} labelled by
     * {@code LOC_val_solution.csv}: 23 train inputs of which the 5 bad fixtures must be skipped, 3 val.
     */
    public static Path ilsvrc(Path root) throws IOException {
        Path tench = Files.createDirectories(root.resolve("train").resolve(TENCH));
        Path fox = Files.createDirectories(root.resolve("train").resolve(KIT_FOX));
        Path goldfish = Files.createDirectories(root.resolve("train").resolve(GOLDFISH));
        for (String name : Fixtures.names(Fixtures.images())) {
            Path target = name.startsWith("rgb_0") ? tench : name.startsWith("rgb_1") ? goldfish : fox;
            Files.copy(Fixtures.images().resolve(name), target.resolve(name));
        }
        for (String name : Fixtures.names(Fixtures.bad())) {
            Files.copy(Fixtures.bad().resolve(name), fox.resolve(name));
        }
        Path val = Files.createDirectories(root.resolve("val"));
        String[][] vals = {{"rgb_11_500x500.JPEG", GOLDFISH}, {"gray.JPEG", KIT_FOX}, {"rgb_05_250x187.JPEG", TENCH}};
        StringBuilder csv = new StringBuilder("ImageId,PredictionString\n");
        for (int i = 0; i < vals.length; i++) {
            String id = String.format("ILSVRC2012_val_%08d", i + 1);
            Files.copy(Fixtures.images().resolve(vals[i][0]), val.resolve(id + ".JPEG"));
            csv.append(id).append(',').append(vals[i][1]).append(" 0 0 10 10\n");
        }
        Files.writeString(root.resolve("LOC_val_solution.csv"), csv, StandardCharsets.UTF_8);
        return root;
    }

    /**
     * Writes a class-folder tree: one folder per name, each holding {@code perFolder} tiny images, made here
     * with javax.imageio, alternately PNG ({@code img0.png}, ...) and JPEG ({@code img1.jpeg}, ...), each a
     * flat colour that depends on the folder and the file. Folder names {@code 0 .. 999} make an
     * ImageNetV2-style tree.
     */
    public static Path classFolders(Path root, int perFolder, String... folders) throws IOException {
        for (int f = 0; f < folders.length; f++) {
            Path dir = Files.createDirectories(root.resolve(folders[f]));
            for (int i = 0; i < perFolder; i++) {
                BufferedImage image = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
                int rgb = ((40 * f + 17) % 256) << 16 | ((60 * i + 90) % 256) << 8 | 200;
                for (int y = 0; y < image.getHeight(); y++) {
                    for (int x = 0; x < image.getWidth(); x++) {
                        image.setRGB(x, y, rgb);
                    }
                }
                String format = i % 2 == 0 ? "png" : "jpeg";
                if (!ImageIO.write(image, format, dir.resolve("img" + i + "." + format).toFile())) {
                    throw new IOException("no ImageIO writer for " + format);
                }
            }
        }
        return root;
    }

    /** The fixture file behind a key of {@link #ilsvrc}'s train split (its file name). */
    public static String fixtureName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** The fixture behind each val image of {@link #ilsvrc}, in order. */
    public static final List<String> VAL_FIXTURES = List.of("rgb_11_500x500.JPEG", "gray.JPEG", "rgb_05_250x187.JPEG");
}
