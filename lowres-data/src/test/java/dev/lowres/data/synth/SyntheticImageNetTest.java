package dev.lowres.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.ImageFormat;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.synth.SynthResult.Kind;
import dev.lowres.data.synth.SynthResult.SpecialFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tree's layout, labels, special files, determinism and refusals. */
class SyntheticImageNetTest {
    /** A small tree: every feature of the default one, fewer and smaller images. */
    static SynthOptions small() {
        return SynthOptions.defaults().withPerClass(8, 3).withSides(48, 160).withThreads(2);
    }

    @TempDir
    Path tmp;

    @Test
    void classesAreRealWnidsEvenlySpacedInSortedOrder() {
        List<String> sorted = ImageNetClasses.get().wnidsInClslocOrder().stream().sorted().toList();
        for (int n : new int[] {2, 3, 10, 100, 999, 1000}) {
            List<ClassEntry> classes = SyntheticImageNet.classes(n);
            assertEquals(n, classes.size());
            assertEquals("n01440764", classes.get(0).wnid(), "tench is class 0");
            assertEquals(n, new HashSet<>(classes.stream().map(ClassEntry::wnid).toList()).size(), "distinct wnids");
            for (int k = 0; k < n; k++) {
                ClassEntry c = classes.get(k);
                assertEquals(k, c.index());
                assertEquals(sorted.get(k * 1000 / n), c.wnid());
                assertEquals(ImageNetClasses.get().name(c.wnid()).orElseThrow(), c.name());
                if (k > 0) {
                    assertTrue(classes.get(k - 1).wnid().compareTo(c.wnid()) < 0, "sorted order");
                }
            }
        }
        assertEquals(sorted, SyntheticImageNet.classes(1000).stream().map(ClassEntry::wnid).toList());
    }

    @Test
    void everyClassOfTheThousandLooksDifferentAndTheFirstTenDifferInShapeAndHue() {
        Set<ClassLook> looks = new HashSet<>();
        for (int k = 0; k < 1000; k++) {
            assertTrue(looks.add(ClassLook.of(k)), "class " + k + " repeats a look: " + ClassLook.of(k));
        }
        Set<ClassLook.Shape> shapes = new HashSet<>();
        Set<Integer> hues = new HashSet<>();
        for (int k = 0; k < 10; k++) {
            shapes.add(ClassLook.of(k).shape());
            hues.add(ClassLook.of(k).hue());
        }
        assertEquals(10, shapes.size());
        assertEquals(10, hues.size());
        // up to 120 classes, shape and hue alone tell classes apart (what survives at 16x16)
        Set<String> shapeHue = new HashSet<>();
        for (int k = 0; k < 120; k++) {
            assertTrue(shapeHue.add(ClassLook.of(k).shape() + "/" + ClassLook.of(k).hue()), "class " + k);
        }
    }

    @Test
    void optionsAreChecked() {
        SynthOptions d = SynthOptions.defaults();
        assertEquals(10, d.classes());
        assertEquals(60, d.trainPerClass());
        assertEquals(10, d.valPerClass());
        assertEquals(700, d.totalFiles());
        assertThrows(IllegalArgumentException.class, () -> d.withClasses(1));
        assertThrows(IllegalArgumentException.class, () -> d.withClasses(1001));
        assertThrows(IllegalArgumentException.class, () -> d.withSides(8, 100));
        assertThrows(IllegalArgumentException.class, () -> d.withSides(200, 100));
        assertThrows(IllegalArgumentException.class, () -> d.withGrayscaleFraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> d.withBrokenFiles(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.withClasses(2).withPerClass(3, 1));
        assertTrue(e.getMessage().contains("at least 4"), e.getMessage());
        d.withClasses(2).withPerClass(4, 0); // fits: 3 + 2 special files over 2 classes
    }

    @Test
    void layoutCountsAndValidationSolution() throws Exception {
        SynthOptions options = small();
        Path root = tmp.resolve("tree");
        AtomicLong progress = new AtomicLong();
        SynthResult result = SyntheticImageNet.write(root, options, progress::addAndGet);
        assertEquals(options.totalFiles(), progress.get(), "progress adds up to the files written");
        assertEquals(80, result.trainFiles());
        assertEquals(30, result.valFiles());
        assertEquals(SyntheticImageNet.classes(10), result.classes());

        List<String> trainDirs = list(root.resolve("train"));
        assertEquals(result.classes().stream().map(ClassEntry::wnid).toList(), trainDirs);
        for (String wnid : trainDirs) {
            List<String> files = list(root.resolve("train").resolve(wnid));
            assertEquals(8, files.size());
            for (int n = 1; n <= 8; n++) {
                assertTrue(files.contains(wnid + "_" + n + ".JPEG"), wnid + "_" + n + ".JPEG in " + files);
            }
        }
        List<String> val = list(root.resolve("val"));
        assertEquals(30, val.size());
        for (int i = 1; i <= 30; i++) {
            assertEquals(String.format("ILSVRC2012_val_%08d.JPEG", i), val.get(i - 1));
        }
        assertEquals(List.of("LOC_val_solution.csv", SyntheticImageNet.MARKER, "train", "val"), list(root));

        List<String> lines = Files.readAllLines(root.resolve("LOC_val_solution.csv"), StandardCharsets.UTF_8);
        assertEquals("ImageId,PredictionString", lines.get(0));
        assertEquals(31, lines.size());
        Pattern line = Pattern.compile("(ILSVRC2012_val_\\d{8}),(n\\d{8}) (\\d+) (\\d+) (\\d+) (\\d+)");
        Map<String, Integer> perClass = new HashMap<>();
        List<String> labelsInFileOrder = new ArrayList<>();
        Set<String> wnids = new HashSet<>(trainDirs);
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            for (int i = 1; i < lines.size(); i++) {
                Matcher m = line.matcher(lines.get(i));
                assertTrue(m.matches(), "line " + (i + 1) + ": " + lines.get(i));
                assertEquals(String.format("ILSVRC2012_val_%08d", i), m.group(1));
                assertTrue(wnids.contains(m.group(2)), m.group(2) + " is a class of the tree");
                perClass.merge(m.group(2), 1, Integer::sum);
                labelsInFileOrder.add(m.group(2));
                byte[] data = Files.readAllBytes(root.resolve("val").resolve(m.group(1) + ".JPEG"));
                DecodedImage image = decoder.decode(data, data.length);
                int x0 = Integer.parseInt(m.group(3));
                int y0 = Integer.parseInt(m.group(4));
                int x1 = Integer.parseInt(m.group(5));
                int y1 = Integer.parseInt(m.group(6));
                assertTrue(0 <= x0 && x0 < x1 && x1 < image.width() && 0 <= y0 && y0 < y1 && y1 < image.height(),
                        "box " + lines.get(i) + " inside " + image.width() + "x" + image.height());
                assertTrue((x1 - x0 + 1) * (y1 - y0 + 1) >= 0.05 * image.width() * image.height(),
                        "the object is not tiny: " + lines.get(i));
            }
        }
        assertEquals(10, perClass.size());
        perClass.values().forEach(c -> assertEquals(3, c));
        List<String> classSorted = new ArrayList<>(labelsInFileOrder);
        classSorted.sort(null);
        assertNotEquals(classSorted, labelsInFileOrder, "validation files are not in class order");
    }

    @Test
    void imagesVaryInSizeAspectAndMode() throws Exception {
        SynthOptions options = SynthOptions.defaults().withPerClass(20, 0).withGrayscaleFraction(0.1)
                .withBrokenFiles(0).withOddFiles(false);
        Path root = tmp.resolve("tree");
        SyntheticImageNet.write(root, options, null);
        int gray = 0;
        int portrait = 0;
        int wide = 0;
        int minSide = Integer.MAX_VALUE;
        int maxSide = 0;
        List<Path> files = files(root.resolve("train"));
        assertEquals(200, files.size());
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            ImageHeader h = ImageHeader.read(data, data.length, ImageHeader.PIL_PIXEL_LIMIT);
            assertEquals(ImageFormat.JPEG, h.format());
            gray += h.components() == 1 ? 1 : 0;
            assertTrue(h.components() == 1 || h.components() == 3);
            portrait += h.height() > h.width() ? 1 : 0;
            wide += h.width() >= 1.6 * h.height() ? 1 : 0;
            minSide = Math.min(minSide, Math.min(h.width(), h.height()));
            maxSide = Math.max(maxSide, Math.max(h.width(), h.height()));
            double ratio = (double) Math.max(h.width(), h.height()) / Math.min(h.width(), h.height());
            assertTrue(ratio <= 16.0 / 9 + 0.02, f + " ratio " + ratio);
        }
        assertTrue(gray >= 8 && gray <= 35, "about 10% grayscale: " + gray);
        assertTrue(portrait >= 20, "portrait images: " + portrait);
        assertTrue(wide >= 10, "wide images: " + wide);
        assertTrue(minSide >= 96 && minSide < 130, "min side " + minSide);
        assertTrue(maxSide <= 400 && maxSide > 360, "max side " + maxSide);
    }

    @Test
    void grayscaleImagesAreSingleComponentAndKeepTheObjectApartFromTheBackground() throws Exception {
        SynthOptions options = small().withPerClass(5, 5).withGrayscaleFraction(1).withBrokenFiles(0)
                .withOddFiles(false);
        Path root = tmp.resolve("tree");
        SyntheticImageNet.write(root, options, null);
        List<String> lines = Files.readAllLines(root.resolve("LOC_val_solution.csv"), StandardCharsets.UTF_8);
        double weakest = Double.MAX_VALUE;
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            for (String line : lines.subList(1, lines.size())) {
                String[] parts = line.split("[, ]");
                byte[] data = Files.readAllBytes(root.resolve("val").resolve(parts[0] + ".JPEG"));
                assertEquals(1, ImageHeader.read(data, data.length, ImageHeader.PIL_PIXEL_LIMIT).components(), line);
                DecodedImage image = decoder.decode(data, data.length);
                int x0 = Integer.parseInt(parts[2]);
                int y0 = Integer.parseInt(parts[3]);
                int x1 = Integer.parseInt(parts[4]);
                int y1 = Integer.parseInt(parts[5]);
                double inside = 0;
                double outside = 0;
                int in = 0;
                for (int y = 0; y < image.height(); y++) {
                    for (int x = 0; x < image.width(); x++) {
                        int grey = DecodedImage.red(image.pixels()[y * image.width() + x]);
                        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
                            inside += grey;
                            in++;
                        } else {
                            outside += grey;
                        }
                    }
                }
                int out = image.width() * image.height() - in;
                if (out < 0.05 * image.width() * image.height()) {
                    continue; // the object fills the picture
                }
                weakest = Math.min(weakest, Math.abs(inside / in - outside / out));
            }
        }
        assertTrue(weakest > 12, "the object's box differs from the background by " + weakest + " grey levels");
    }

    @Test
    void specialFilesAreWhereThePlanSaysAndDecodeAsExpected() throws Exception {
        Path root = tmp.resolve("tree");
        SynthResult result = SyntheticImageNet.write(root, small(), null);
        List<SpecialFile> special = result.specialFiles();
        assertEquals(List.of(Kind.values()), special.stream().map(SpecialFile::kind).toList());
        assertEquals(3, result.brokenFiles().size());
        Set<String> classesWithSpecialFiles = new HashSet<>();
        try (ImageDecoder decoder = new ImageDecoder(ImageHeader.PIL_PIXEL_LIMIT)) {
            for (SpecialFile f : special) {
                Matcher m = Pattern.compile("train/(n\\d{8})/\\1_(\\d+)\\.JPEG").matcher(f.path());
                assertTrue(m.matches(), "named like an image: " + f.path());
                classesWithSpecialFiles.add(m.group(1));
                assertEquals(f.path().substring("train/".length()), f.key());
                byte[] data = Files.readAllBytes(root.resolve(f.path()));
                if (f.kind().expectedSkip().isPresent()) {
                    BadImageException e = assertThrows(BadImageException.class,
                            () -> decoder.decode(data, data.length), f.toString());
                    assertEquals(f.kind().expectedSkip().get(), e.reason(), f + ": " + e.getMessage());
                } else {
                    DecodedImage image = decoder.decode(data, data.length);
                    assertTrue(image.width() >= 48 && image.height() >= 48);
                }
                switch (f.kind()) {
                    case EMPTY -> assertEquals(0, data.length);
                    case HTML_PAGE -> assertTrue(new String(data, StandardCharsets.UTF_8).startsWith("<!DOCTYPE html>"));
                    case PNG_NAMED_JPEG -> assertEquals(ImageFormat.PNG, ImageFormat.sniff(data, data.length));
                    case PROGRESSIVE_JPEG -> assertTrue(hasMarker(data, 0xC2), "SOF2 (progressive) marker");
                    case TRUNCATED_JPEG -> assertEquals(ImageFormat.JPEG, ImageFormat.sniff(data, data.length));
                    default -> throw new AssertionError(f);
                }
            }
        }
        assertEquals(5, classesWithSpecialFiles.size(), "spread over classes");
        // every other training file is a baseline JPEG
        Set<Path> specialPaths = new HashSet<>();
        special.forEach(f -> specialPaths.add(root.resolve(f.path())));
        for (Path f : files(root.resolve("train"))) {
            if (!specialPaths.contains(f)) {
                byte[] data = Files.readAllBytes(f);
                assertEquals(ImageFormat.JPEG, ImageFormat.sniff(data, data.length), f.toString());
                assertFalse(hasMarker(data, 0xC2), f + " is not progressive");
            }
        }
    }

    @Test
    void sameOptionsGiveTheSameBytesWhateverTheThreadsAndAnotherSeedDoesNot() throws Exception {
        SynthOptions options = small();
        SyntheticImageNet.write(tmp.resolve("a"), options.withThreads(1), null);
        SyntheticImageNet.write(tmp.resolve("b"), options.withThreads(4), null);
        SyntheticImageNet.write(tmp.resolve("c"), options.withSeed(1), null);
        Map<String, byte[]> a = contents(tmp.resolve("a"));
        Map<String, byte[]> b = contents(tmp.resolve("b"));
        Map<String, byte[]> c = contents(tmp.resolve("c"));
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet()) {
            assertArrayEquals(a.get(key), b.get(key), key);
        }
        assertEquals(a.keySet(), c.keySet(), "a seed changes pixels, not names");
        int same = 0;
        for (String key : a.keySet()) {
            same += Arrays.equals(a.get(key), c.get(key)) ? 1 : 0;
        }
        // only the empty file and the HTML page do not depend on the seed
        assertEquals(2, same, "files equal across seeds");
    }

    @Test
    void refusesANonEmptyFolderAndOverwritesOnlyItsOwnTree() throws Exception {
        Path root = tmp.resolve("tree");
        Files.createDirectories(root);
        Files.writeString(root.resolve("notes.txt"), "mine");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> SyntheticImageNet.write(root, small(), null));
        assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains("notes.txt"), e.getMessage());
        e = assertThrows(FileAlreadyExistsException.class,
                () -> SyntheticImageNet.write(root, small().withOverwrite(true), null));
        assertTrue(e.getMessage().contains("not written by lowres synth"), e.getMessage());
        assertEquals(List.of("notes.txt"), list(root), "nothing written or deleted");

        Path tree = tmp.resolve("synth");
        SyntheticImageNet.write(tree, small().withClasses(12), null);
        assertThrows(FileAlreadyExistsException.class, () -> SyntheticImageNet.write(tree, small(), null));
        SynthResult result = SyntheticImageNet.write(tree, small().withOverwrite(true), null);
        assertEquals(result.classes().stream().map(ClassEntry::wnid).toList(), list(tree.resolve("train")),
                "the 12-class tree was replaced");
        SyntheticImageNet.write(tmp.resolve("fresh"), small(), null);
        Map<String, byte[]> replaced = contents(tree);
        Map<String, byte[]> fresh = contents(tmp.resolve("fresh"));
        assertEquals(fresh.keySet(), replaced.keySet());
        fresh.forEach((k, v) -> assertArrayEquals(v, replaced.get(k), k));

        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        assertThrows(IOException.class, () -> SyntheticImageNet.write(file, small(), null));
    }

    static boolean hasMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return true;
            }
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                return false; // the frame header comes before the first scan
            }
        }
        return false;
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> map = new TreeMap<>();
        for (Path f : files(root)) {
            map.put(root.relativize(f).toString(), Files.readAllBytes(f));
        }
        return map;
    }
}
