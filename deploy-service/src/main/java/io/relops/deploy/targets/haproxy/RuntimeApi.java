package io.relops.deploy.targets.haproxy;

import io.relops.deploy.targets.TargetUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of HAProxy's Runtime API ({@code stats socket} in haproxy.cfg): one command per connection, the answer is
 * everything HAProxy writes until it closes the connection (its non-interactive mode). The socket is a unix socket
 * path ({@code /run/haproxy/admin.sock}) or {@code host:port} ({@code stats socket ipv4@127.0.0.1:9999}); connecting,
 * writing and reading are together bounded by {@code timeout}. A socket that is absent, refuses the connection or does
 * not answer in time is a {@link TargetUnavailableException} (worth retrying); the answer itself is the caller's to
 * judge (HAProxy answers errors in plain text, e.g. {@code No such server.}).
 */
final class RuntimeApi {

    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})$");

    private final String socket;
    private final Duration timeout;

    RuntimeApi(String socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Whether {@code socket} is a unix socket path (not {@code host:port}): reachable only on the host it is on. */
    static boolean isUnixSocket(String socket) {
        return !HOST_PORT.matcher(socket).matches();
    }

    String socket() {
        return socket;
    }

    /**
     * HAProxy's answer to {@code command} (one line, no line break in it).
     *
     * @throws TargetUnavailableException when the socket cannot be reached or does not answer within the timeout
     */
    String execute(String command) {
        if (command.contains("\n")) {
            throw new IllegalArgumentException("one Runtime API command at a time, no line break: " + command);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketAddress address = address();
        try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                        ? SocketChannel.open(StandardProtocolFamily.UNIX)
                        : SocketChannel.open();
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(address)) {
                await(selector, key, SelectionKey.OP_CONNECT, deadline, command);
                channel.finishConnect();
            }
            ByteBuffer request = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, command);
                }
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (true) {
                int read = channel.read(buffer);
                if (read < 0) {
                    return answer.toString(StandardCharsets.UTF_8);
                }
                if (read == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, command);
                    continue;
                }
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (IOException e) {
            throw new TargetUnavailableException(
                    "HAProxy's Runtime API at " + socket + " is unreachable (`" + command + "`): " + e, e);
        }
    }

    private void await(Selector selector, SelectionKey key, int operation, long deadline, String command)
            throws IOException {
        key.interestOps(operation);
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || selector.select(left) == 0) {
            throw new TargetUnavailableException(
                    "HAProxy's Runtime API at " + socket + " did not answer `" + command + "` within "
                            + format(timeout),
                    new SocketTimeoutException("no answer within " + format(timeout)));
        }
        selector.selectedKeys().clear();
    }

    /** {@code 5s}, {@code 500ms}: a duration as the catalog writes it. */
    static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private SocketAddress address() {
        Matcher hostPort = HOST_PORT.matcher(socket);
        if (hostPort.matches()) {
            String host = hostPort.group(1);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            return new InetSocketAddress(host, Integer.parseInt(hostPort.group(2)));
        }
        return UnixDomainSocketAddress.of(Path.of(socket));
    }
}
