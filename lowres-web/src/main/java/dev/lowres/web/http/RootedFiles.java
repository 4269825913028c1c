package dev.lowres.web.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The served folder: turns a path relative to it, as it comes in a request, into a file under it, or refuses.
 * Refused: absolute paths, {@code ..} segments, NUL and backslashes, and anything whose real path (symbolic
 * links resolved) lies outside the root's real path, so a link inside the root cannot lead out of it. A refusal
 * is a 404 that names only the relative path asked for, never the file system around the root.
 */
public final class RootedFiles {
    private final Path root;

    public RootedFiles(Path root) throws IOException {
        this.root = root.toRealPath();
    }

    /** The root's real path. */
    public Path root() {
        return root;
    }

    /** The existing file or directory at {@code relative} ("" or "." is the root itself). */
    public Path resolve(String relative) {
        if (relative == null) {
            throw HttpError.badRequest("a path is needed (?path=...)");
        }
        if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0 || relative.startsWith("/")
                || relative.length() > 4096) {
            throw HttpError.notFound("no such path under the root: " + printable(relative));
        }
        for (String segment : relative.split("/")) {
            if (segment.equals("..")) {
                throw HttpError.notFound("no such path under the root: " + printable(relative));
            }
        }
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw HttpError.notFound("no such path under the root: " + printable(relative));
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw HttpError.notFound("no such path under the root: " + printable(relative));
        }
        if (!real.startsWith(root)) {
            throw HttpError.forbidden("a link out of the root: " + printable(relative));
        }
        return real;
    }

    /** A file inside a directory already resolved under the root: its name must be a plain name. */
    public Path child(Path dir, String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
            throw HttpError.badRequest("not a file name: " + printable(name));
        }
        Path p = dir.resolve(name);
        if (!p.normalize().startsWith(root)) {
            throw HttpError.forbidden("outside the root: " + printable(name));
        }
        return p;
    }

    /**
     * The path relative to the root of {@code absolute} (a path another file names, such as an evaluation's
     * dataset) if it exists and lies under the root, links resolved; otherwise empty.
     */
    public java.util.Optional<String> inside(String absolute) {
        if (absolute == null || absolute.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            Path real = Path.of(absolute).toRealPath();
            return real.startsWith(root) ? java.util.Optional.of(relative(real)) : java.util.Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return java.util.Optional.empty();
        }
    }

    /** {@code file} as a path relative to the root, with forward slashes ("" for the root). */
    public String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.toString();
    }
}
