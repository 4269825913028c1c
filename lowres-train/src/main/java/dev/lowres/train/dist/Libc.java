package dev.lowres.train.dist;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.net.Inet4Address;

/**
 * The few C library calls the distributed code needs beneath libtorch, through JNA: descriptor juggling for
 * {@link NativeStdout}, and a listening socket on one address for the store's server ({@link #listen}).
 */
final class Libc {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    /** Linux's SOL_SOCKET and SO_REUSEADDR. */
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;

    private final NativeLibrary c;

    private Libc(NativeLibrary c) {
        this.c = c;
    }

    /** The C library, or null where JNA cannot reach it. */
    static Libc load() {
        try {
            return new Libc(NativeLibrary.getInstance("c"));
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    private int call(String function, Object... args) {
        return c.getFunction(function).invokeInt(args);
    }

    int dup(int fd) {
        return call("dup", fd);
    }

    int dup2(int from, int to) {
        return call("dup2", from, to);
    }

    int open(String path, int flags) {
        return call("open", path, flags);
    }

    void close(int fd) {
        call("close", fd);
    }

    /** {@code fflush(NULL)}: every C stdio stream (std::cout shares stdout's buffer). */
    void flushAll() {
        c.getFunction("fflush").invokeInt(new Object[] {null});
    }

    /** Whether {@link #listen} can make sockets here (Linux's socket structures). */
    static boolean canListen() {
        return Platform.isLinux();
    }

    /**
     * A TCP socket bound to {@code address}:{@code port} and listening, as a descriptor (its owner closes it).
     *
     * @throws IOException naming the address and the system's reason when it cannot be bound
     */
    int listen(Inet4Address address, int port, int backlog) throws IOException {
        int fd = call("socket", AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            throw new IOException("cannot make a socket: " + reason(Native.getLastError()));
        }
        Memory one = new Memory(4);
        one.setInt(0, 1);
        call("setsockopt", fd, SOL_SOCKET, SO_REUSEADDR, one, 4);
        Memory sockaddr = new Memory(16); // struct sockaddr_in: family, port and address in network order, padding
        sockaddr.clear();
        sockaddr.setShort(0, (short) AF_INET);
        sockaddr.setByte(2, (byte) (port >> 8));
        sockaddr.setByte(3, (byte) port);
        sockaddr.write(4, address.getAddress(), 0, 4);
        if (call("bind", fd, sockaddr, 16) != 0 || call("listen", fd, backlog) != 0) {
            int errno = Native.getLastError();
            close(fd);
            throw new IOException("cannot listen on " + address.getHostAddress() + ":" + port + ": " + reason(errno));
        }
        return fd;
    }

    private String reason(int errno) {
        Function strerror = c.getFunction("strerror");
        return strerror.invokeString(new Object[] {errno}, false) + " (errno " + errno + ")";
    }
}
