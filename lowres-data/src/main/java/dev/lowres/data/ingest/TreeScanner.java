package dev.lowres.data.ingest;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.classes.ImageNetClasses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the inputs of a build and decides their labels. Recognised layouts:
 * <ul>
 *   <li>an ILSVRC root: {@code train/<wnid>/...} and/or {@code val/}, where {@code val/} holds class
 *       folders or is flat with labels from {@link ValidationLabels} (Kaggle's {@code Data/CLS-LOC/}
 *       root is recognised too);</li>
 *   <li>any class-per-folder tree: each sub-folder is a class, files anywhere below it belong to it;</li>
 *   <li>ImageNetV2's tree ({@link TreeLayout#IMAGENETV2}): folders {@code 0 .. 999} numbering the 1000
 *       sorted ILSVRC-2012 wnids, chosen by {@code --layout auto} when every folder is such a number;</li>
 *   <li>a flat folder of images with validation labels.</li>
 * </ul>
 * Every regular file that is not hidden is an input; those that are not images are skipped by the build
 * with a reason, as the reference scripts log and skip them.
 */
public final class TreeScanner {
    private TreeScanner() {
    }

    /**
     * Scans an input tree.
     *
     * @throws SourceException when the input is not there (or not a folder), or cannot be read as any layout
     * @throws IOException when the input cannot be looked at (permissions, an unreachable file server), with the
     *                     file system's reason: not taken for a missing folder
     * @throws IllegalArgumentException when the options do not fit the tree (e.g. {@code --layout imagenetv2}
     *                                  on folders that are not all numbers 0 .. 999); the message names the option
     */
    public static SourceTree scan(Path input, ScanOptions options) throws IOException, SourceException {
        requireFolder(input);
        if (options.layout() == TreeLayout.IMAGENETV2) {
            List<String> folders = subfolders(input);
            List<String> offending = folders.stream().filter(f -> !TreeLayout.isImagenetV2Folder(f)).toList();
            if (folders.isEmpty() || !offending.isEmpty()) {
                throw new IllegalArgumentException("--layout imagenetv2 needs class folders named 0 .. 999 (no sign, "
                        + "no leading zeros); " + input + (folders.isEmpty() ? " has no folders"
                        : " has folder '" + offending.get(0) + "'"
                        + (offending.size() > 1 ? " and " + (offending.size() - 1) + " more that are not" : "")
                        + "; --layout wnid reads folders as class names"));
            }
            List<String> notes = new ArrayList<>();
            notes.add("layout imagenetv2 (--layout imagenetv2)");
            return scanImagenetV2(input, folders, options, notes);
        }
        Path root = input;
        if (Files.isDirectory(input.resolve("Data/CLS-LOC"))) {
            root = input.resolve("Data/CLS-LOC");
        }
        Path train = root.resolve("train");
        Path val = root.resolve("val");
        if (Files.isDirectory(train) || Files.isDirectory(val)) {
            return scanIlsvrc(input, root, options);
        }
        List<String> rootFolders = subfolders(root);
        if (!rootFolders.isEmpty()) {
            List<String> notes = new ArrayList<>();
            if (options.layout() == TreeLayout.AUTO) {
                List<String> numbered = rootFolders.stream().filter(TreeLayout::isImagenetV2Folder).toList();
                boolean beyondSmallDatasets = numbered.stream().anyMatch(f -> Integer.parseInt(f) >= 100);
                if (numbered.size() == rootFolders.size() && beyondSmallDatasets) {
                    notes.add("layout imagenetv2, detected: every class folder is a number 0 .. 999 "
                            + "(--layout wnid reads them as class names)");
                    return scanImagenetV2(input, rootFolders, options, notes);
                }
                if (numbered.size() == rootFolders.size()) {
                    notes.add("layout class-folders: the folders are numbers below 100 (MNIST or CIFAR saved as "
                            + "folders?), read as class names; --layout imagenetv2 reads them as ImageNet class indices");
                } else if (!numbered.isEmpty()) {
                    String named = rootFolders.stream().filter(f -> !TreeLayout.isImagenetV2Folder(f))
                            .findFirst().orElseThrow();
                    notes.add("layout class-folders, not imagenetv2: the folders mix numbers ('" + numbered.get(0)
                            + "') and names ('" + named + "'), so every folder is read as a class name");
                }
            }
            String split = options.splitName() == null ? "train" : options.splitName();
            List<String> folders = subsample(rootFolders, options, notes);
            List<ClassEntry> classes = orderClasses(folders, options.classOrder());
            SplitSource source = classFolderSplit(split, root, namedFolders(classes), options.maxPerClass());
            return new SourceTree(input, "class-folders", classes, options.classOrder(), List.of(source), notes);
        }
        String split = options.splitName() == null ? "val" : options.splitName();
        List<String> notes = new ArrayList<>();
        FlatSplit flat = flatSplit(split, root, null, options, List.of(root, root.toAbsolutePath().getParent()), notes);
        return new SourceTree(input, "flat", flat.classes, options.classOrder(), List.of(flat.split), notes);
    }

    private static SourceTree scanIlsvrc(Path input, Path root, ScanOptions options)
            throws IOException, SourceException {
        Path train = root.resolve("train");
        Path val = root.resolve("val");
        List<String> notes = new ArrayList<>();
        List<SplitSource> splits = new ArrayList<>();
        List<ClassEntry> classes = null;
        List<String> allTrainFolders = List.of();
        if (Files.isDirectory(train)) {
            allTrainFolders = subfolders(train);
            if (allTrainFolders.isEmpty()) {
                throw new SourceException(train + " has no class folders");
            }
            classes = orderClasses(subsample(allTrainFolders, options, notes), options.classOrder());
            splits.add(classFolderSplit("train", train, namedFolders(classes), options.maxPerClass()));
        }
        if (Files.isDirectory(val)) {
            List<String> valFolders = subfolders(val);
            if (!valFolders.isEmpty()) {
                if (classes == null) {
                    classes = orderClasses(subsample(valFolders, options, notes), options.classOrder());
                } else {
                    Set<String> known = new TreeSet<>(allTrainFolders);
                    List<String> unknown = valFolders.stream().filter(f -> !known.contains(f)).toList();
                    if (!unknown.isEmpty()) {
                        throw new SourceException(val + " has class folders that train/ lacks: "
                                + abbreviate(unknown));
                    }
                }
                splits.add(classFolderSplit("val", val, namedFolders(classes), options.maxPerClass()));
            } else {
                FlatSplit flat = flatSplit("val", val, classes, options,
                        List.of(input, root, val, input.toAbsolutePath().getParent()), notes);
                if (classes == null) {
                    classes = flat.classes;
                }
                splits.add(flat.split);
            }
        }
        return new SourceTree(input, "ilsvrc", classes, options.classOrder(), splits, notes);
    }

    /**
     * ImageNetV2's tree: folder k holds the k-th sorted ILSVRC-2012 wnid. The dataset has all 1000 classes in
     * the requested order (with sorted order, folder k's images get label k); absent folders have no images.
     */
    private static SourceTree scanImagenetV2(Path input, List<String> folders, ScanOptions options,
                                             List<String> notes) throws IOException, SourceException {
        if (options.everyNthClass() > 1) {
            throw new IllegalArgumentException("--every-nth-class does not apply to the imagenetv2 layout of "
                    + input + ": its labels are fixed by the folder numbers (--layout wnid reads the folders as "
                    + "class names)");
        }
        List<String> sorted = ImageNetClasses.get().wnidsSorted();
        List<ClassEntry> classes = orderClasses(sorted, options.classOrder());
        Map<String, Integer> index = indexByWnid(classes);
        List<ClassFolder> classFolders = new ArrayList<>();
        for (String folder : folders) {
            classFolders.add(new ClassFolder(folder, index.get(sorted.get(Integer.parseInt(folder)))));
        }
        classFolders.sort(Comparator.comparingInt(ClassFolder::label));
        notes.add("folder k holds class k of the " + sorted.size() + " sorted ILSVRC-2012 wnids (0 = "
                + sorted.get(0) + ", " + (sorted.size() - 1) + " = " + sorted.get(sorted.size() - 1) + "); "
                + folders.size() + " of " + sorted.size() + " folders present, the others' classes have no images");
        String split = options.splitName() == null ? "val" : options.splitName();
        SplitSource source = classFolderSplit(split, input, classFolders, options.maxPerClass());
        return new SourceTree(input, TreeLayout.IMAGENETV2.id(), classes, options.classOrder(), List.of(source),
                notes);
    }

    /** A class folder of a split and the label of its images. */
    private record ClassFolder(String folder, int label) {
    }

    /** Class folders named by their classes' wnids (or names), as every layout but ImageNetV2's has them. */
    private static List<ClassFolder> namedFolders(List<ClassEntry> classes) {
        return classes.stream().map(c -> new ClassFolder(c.wnid(), c.index())).toList();
    }

    private record FlatSplit(SplitSource split, List<ClassEntry> classes) {
    }

    private static FlatSplit flatSplit(String name, Path dir, List<ClassEntry> classes, ScanOptions options,
                                       List<Path> searchDirs, List<String> notes)
            throws IOException, SourceException {
        Path explicit = options.valLabels() == null ? null : options.valLabels().toAbsolutePath().normalize();
        List<String> files = regularFiles(dir).stream()
                .filter(p -> !isLabelFile(p, explicit))
                .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        if (files.isEmpty()) {
            throw new SourceException(dir + " has no files");
        }
        List<Path> dirs = searchDirs.stream().filter(p -> p != null).toList();
        ValidationLabels labels = ValidationLabels.find(options.valLabels(), dirs, files);
        notes.add(name + " labels from " + labels.description());
        List<String> unlabelled = files.stream().filter(f -> labels.wnid(f) == null).toList();
        if (!unlabelled.isEmpty()) {
            throw new SourceException(labels.description() + " has no label for " + unlabelled.size()
                    + " files of " + dir + ", e.g. " + abbreviate(unlabelled));
        }
        if (classes == null) {
            List<String> wnids = new ArrayList<>(new TreeSet<>(files.stream().map(labels::wnid).toList()));
            classes = orderClasses(subsample(wnids, options, notes), options.classOrder());
        }
        Map<String, Integer> index = indexByWnid(classes);
        Map<Integer, Integer> perClass = new HashMap<>();
        List<SourceImage> images = new ArrayList<>();
        int excluded = 0;
        for (String f : files) {
            Integer label = index.get(labels.wnid(f));
            if (label == null) {
                excluded++;
                continue;
            }
            int seen = perClass.merge(label, 1, Integer::sum);
            if (options.maxPerClass() == 0 || seen <= options.maxPerClass()) {
                images.add(new SourceImage(f, label));
            }
        }
        if (excluded > 0) {
            notes.add(name + ": " + excluded + " images of classes not in the dataset left out");
        }
        return new FlatSplit(new SplitSource(name, dir, List.copyOf(images)), classes);
    }

    private static boolean isLabelFile(Path file, Path explicit) {
        String name = file.getFileName().toString();
        return name.equals(ValidationLabels.LOC_SOLUTION) || name.equals(ValidationLabels.CLSLOC_GROUND_TRUTH)
                || name.equals(ValidationLabels.VAL_TXT) || file.toAbsolutePath().normalize().equals(explicit);
    }

    private static SplitSource classFolderSplit(String name, Path dir, List<ClassFolder> folders, int maxPerClass) {
        List<List<SourceImage>> perClass = folders.parallelStream().map(c -> {
            Path classDir = dir.resolve(c.folder());
            if (!Files.isDirectory(classDir)) {
                return List.<SourceImage>of();
            }
            try {
                List<String> keys = regularFiles(classDir).stream()
                        .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
                if (maxPerClass > 0 && keys.size() > maxPerClass) {
                    keys = keys.subList(0, maxPerClass);
                }
                return keys.stream().map(k -> new SourceImage(k, c.label())).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
        List<SourceImage> all = new ArrayList<>();
        perClass.forEach(all::addAll);
        return new SplitSource(name, dir, List.copyOf(all));
    }

    /** Applies {@code --every-nth-class} to a sorted folder list. */
    private static List<String> subsample(List<String> sortedNames, ScanOptions options, List<String> notes) {
        if (options.everyNthClass() == 1) {
            return sortedNames;
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < sortedNames.size(); i += options.everyNthClass()) {
            kept.add(sortedNames.get(i));
        }
        notes.add("every " + options.everyNthClass() + "th class kept: " + kept.size() + " of " + sortedNames.size());
        return kept;
    }

    /** Numbers classes in the requested order and names them. */
    static List<ClassEntry> orderClasses(List<String> wnids, ClassOrder order) throws SourceException {
        ImageNetClasses imagenet = ImageNetClasses.get();
        List<String> ordered = new ArrayList<>(new LinkedHashSet<>(wnids));
        if (order == ClassOrder.IMAGENET32) {
            List<String> unknown = ordered.stream().filter(w -> imagenet.clslocLabel(w).isEmpty()).toList();
            if (!unknown.isEmpty()) {
                throw new SourceException("--class-order imagenet32 needs ILSVRC wnids; not in map_clsloc.txt: "
                        + abbreviate(unknown));
            }
            ordered.sort(Comparator.comparingInt(w -> imagenet.clslocLabel(w).orElseThrow()));
        } else {
            ordered.sort(Comparator.naturalOrder());
        }
        List<ClassEntry> classes = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            String wnid = ordered.get(i);
            classes.add(new ClassEntry(i, wnid, imagenet.name(wnid).orElse(wnid)));
        }
        if (classes.size() > Short.MAX_VALUE) {
            throw new SourceException("too many classes for int16 labels: " + classes.size());
        }
        return List.copyOf(classes);
    }

    private static Map<String, Integer> indexByWnid(List<ClassEntry> classes) {
        Map<String, Integer> map = new HashMap<>();
        for (ClassEntry c : classes) {
            map.put(c.wnid(), c.index());
        }
        return map;
    }

    private static List<String> subfolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !dir.relativize(p).toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("."))
                    .toList();
        }
    }

    /** Files.isDirectory answers false for any error; only a missing input (or a file) is "not found". */
    private static void requireFolder(Path input) throws IOException, SourceException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(input, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new SourceException("input folder not found: " + input);
        } catch (IOException e) {
            throw new IOException("cannot read " + input + ": " + e.getMessage(), e);
        }
        if (!attributes.isDirectory()) {
            throw new SourceException("input folder not found: " + input);
        }
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 5 ? items.toString()
                : items.subList(0, 5) + " and " + (items.size() - 5) + " more";
    }
}
