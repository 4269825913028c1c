package dev.lowres.train.dist;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the processes of a group meet before their first collective: a store every rank reaches.
 */
public sealed interface Rendezvous {
    /**
     * torch's {@code file://} init: a file every rank sees (local disk on one machine, a shared file system on a
     * cluster). The file must not be left over from another group: c10d's FileStore would read its keys.
     *
     * @param file the store's file
     */
    record File(Path file) implements Rendezvous {
        @Override
        public String toString() {
            return "file://" + file.toAbsolutePath();
        }
    }

    /**
     * torchrun's {@code MASTER_ADDR}/{@code MASTER_PORT}: rank 0 serves a TCP store there, the others connect.
     *
     * @param host the master's address
     * @param port its port
     */
    record Tcp(String host, int port) implements Rendezvous {
        public Tcp {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("the master's address is empty (MASTER_ADDR)");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the master's port must be 1-65535 (MASTER_PORT): " + port);
            }
        }

        @Override
        public String toString() {
            return "tcp://" + host + ":" + port;
        }
    }

    /**
     * Parses an {@code --init} value: {@code file:///path} or {@code tcp://host:port}.
     *
     * @throws IllegalArgumentException for anything else, saying what is taken
     */
    static Rendezvous parse(String init) {
        String text = init.trim();
        String lower = text.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("file://")) {
                URI uri = new URI(text);
                if (uri.getPath() == null || uri.getPath().isEmpty() || (uri.getHost() != null
                        && !uri.getHost().isEmpty())) {
                    throw new IllegalArgumentException("--init file:// takes an absolute path (file:///shared/run.rdv): "
                            + init);
                }
                return new File(Path.of(uri.getPath()));
            }
            if (lower.startsWith("tcp://")) {
                URI uri = new URI(text);
                if (uri.getHost() == null || uri.getPort() < 0) {
                    throw new IllegalArgumentException("--init tcp:// takes host:port (tcp://node0:29500): " + init);
                }
                return new Tcp(uri.getHost(), uri.getPort());
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--init is not a URL: " + init + " (" + e.getReason() + ")");
        }
        throw new IllegalArgumentException("--init takes file:///path or tcp://host:port, not " + init);
    }
}
