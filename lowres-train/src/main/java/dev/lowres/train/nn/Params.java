package dev.lowres.train.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Declares a network's parameters while it is built, under PyTorch-style paths: {@code child("blocks.3")}
 * then {@code param("weight", ...)} declares {@code blocks.3.weight}. Children share one list, in
 * declaration order.
 */
public final class Params {
    private final List<Param> all;
    private final Set<String> names;
    private final String prefix;

    public Params() {
        this(new ArrayList<>(), new HashSet<>(), "");
    }

    private Params(List<Param> all, Set<String> names, String prefix) {
        this.all = all;
        this.names = names;
        this.prefix = prefix;
    }

    /** The declarations under {@code name} (e.g. {@code child("stem").child("conv")}). */
    public Params child(String name) {
        return new Params(all, names, prefix + name + ".");
    }

    /** The declarations under {@code name.index}. */
    public Params child(String name, int index) {
        return child(name + "." + index);
    }

    /**
     * Declares a parameter.
     *
     * @throws IllegalArgumentException when the path is already taken
     */
    public Param param(String name, Param.Kind kind, Init init, long... shape) {
        String path = prefix + name;
        if (!names.add(path)) {
            throw new IllegalArgumentException("parameter " + path + " declared twice");
        }
        Param p = new Param(path, kind, shape, init);
        all.add(p);
        return p;
    }

    /** Every declaration so far, in order. */
    public List<Param> all() {
        return Collections.unmodifiableList(all);
    }
}
