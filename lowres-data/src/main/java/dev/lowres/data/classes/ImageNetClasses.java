package dev.lowres.data.classes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The 1000 ILSVRC classes as the published downsampled datasets number them ({@code map_clsloc.txt} of
 * Chrabaszcz et al.'s Imagenet32_Scripts, MIT licence, bundled), and the ILSVRC2015 clsloc validation
 * ground truth that goes with it.
 */
public final class ImageNetClasses {
    private static final String RESOURCE_DIR = "/dev/lowres/data/classes/";
    private static volatile ImageNetClasses instance;

    private final List<String> wnidsByClsloc; // index 0 holds clsloc label 1
    private final List<String> wnidsSorted;
    private final Map<String, Integer> clslocByWnid;
    private final Map<String, String> names;

    private ImageNetClasses(List<String> wnids, Map<String, String> names) {
        this.wnidsByClsloc = Collections.unmodifiableList(wnids);
        this.wnidsSorted = wnids.stream().sorted().toList();
        Map<String, Integer> byWnid = new HashMap<>();
        for (int i = 0; i < wnids.size(); i++) {
            byWnid.put(wnids.get(i), i + 1);
        }
        this.clslocByWnid = Collections.unmodifiableMap(byWnid);
        this.names = Collections.unmodifiableMap(names);
    }

    /** The bundled class list. */
    public static ImageNetClasses get() {
        ImageNetClasses local = instance;
        if (local == null) {
            synchronized (ImageNetClasses.class) {
                local = instance;
                if (local == null) {
                    local = load();
                    instance = local;
                }
            }
        }
        return local;
    }

    private static ImageNetClasses load() {
        List<String> wnids = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (String line : lines("map_clsloc.txt")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 3) {
                continue;
            }
            int label = Integer.parseInt(parts[1]);
            if (label != wnids.size() + 1) {
                throw new IllegalStateException("map_clsloc.txt is not in label order at " + line);
            }
            wnids.add(parts[0]);
            names.put(parts[0], parts[2]);
        }
        return new ImageNetClasses(wnids, names);
    }

    /** Number of classes (1000). */
    public int size() {
        return wnidsByClsloc.size();
    }

    /** The 1-based clsloc label of a wnid, if it is an ILSVRC class. */
    public Optional<Integer> clslocLabel(String wnid) {
        return Optional.ofNullable(clslocByWnid.get(wnid));
    }

    /** The wnid of a 1-based clsloc label. */
    public String wnidOfClsloc(int label) {
        if (label < 1 || label > wnidsByClsloc.size()) {
            throw new IllegalArgumentException("clsloc label out of range 1.." + wnidsByClsloc.size() + ": " + label);
        }
        return wnidsByClsloc.get(label - 1);
    }

    /** The short name of a class (e.g. {@code kit_fox}), if it is an ILSVRC class. */
    public Optional<String> name(String wnid) {
        return Optional.ofNullable(names.get(wnid));
    }

    /** Wnids in clsloc order. */
    public List<String> wnidsInClslocOrder() {
        return wnidsByClsloc;
    }

    /**
     * Wnids in sorted order, the default class order (torchvision, timm, ReaL, ImageNetV2): element 0 is
     * tench n01440764, element 999 toilet tissue n15075141. ImageNetV2 names its class folders by this index.
     */
    public List<String> wnidsSorted() {
        return wnidsSorted;
    }

    /**
     * The bundled ILSVRC2015 clsloc validation ground truth: element i is the 1-based clsloc label of
     * {@code ILSVRC2012_val_<i+1>} (the published scripts' {@code val.txt} maps names to lines 1:1).
     */
    public static int[] validationGroundTruth() {
        return lines("ILSVRC2015_clsloc_validation_ground_truth.txt").stream()
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    private static List<String> lines(String resource) {
        try (InputStream in = ImageNetClasses.class.getResourceAsStream(RESOURCE_DIR + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
