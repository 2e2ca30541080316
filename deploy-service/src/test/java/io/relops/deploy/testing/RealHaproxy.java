package io.relops.deploy.testing;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy ({@code /usr/sbin/haproxy}, or {@code $HAPROXY}) run by a test as the current user, in the
 * foreground as a child process: a configuration in its own temporary directory, a frontend on a free port in front of
 * one backend, an admin socket ({@code stats socket ... level admin}) there too. The backend's servers get a health
 * check every 200 ms (one success marks a server UP, two failures DOWN): a TCP connect, not an HTTP check of {@code
 * /health}, so that a version whose health fails still gets its canary share and relops' own verdict (not HAProxy's)
 * rolls it back, as {@link RouterScenario} expects. {@link #close} (a test's {@code @AfterAll}) stops it and deletes
 * the directory.
 */
public final class RealHaproxy implements AutoCloseable {

    private final Path directory;
    private final Process process;
    private final int port;
    private final int adminPort;

    private RealHaproxy(Path directory, Process process, int port, int adminPort) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * HAProxy with backend {@code backend} of {@code servers} (name to {@code host:port}, in order, each with {@code
     * weight} 100 for the first and 0 for the others), its admin socket both a unix socket ({@link #socket()}) and
     * {@code 127.0.0.1:<adminPort>} ({@link #adminAddress()}).
     */
    public static RealHaproxy start(String backend, Map<String, String> servers) {
        try {
            Path directory = Files.createTempDirectory("relops-haproxy-");
            int port = freePort();
            int adminPort = freePort();
            StringBuilder config = new StringBuilder()
                    .append("global\n")
                    .append("    stats socket ")
                    .append(directory.resolve("admin.sock"))
                    .append(" mode 600 level admin\n")
                    .append("    stats socket ")
                    .append(directory.resolve("operator.sock"))
                    .append(" mode 600 level operator\n")
                    .append("    stats socket ipv4@127.0.0.1:")
                    .append(adminPort)
                    .append(" level admin\n")
                    .append("defaults\n")
                    .append("    mode http\n")
                    .append("    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n")
                    .append("    retries 2\n    option redispatch 1\n")
                    .append("frontend app\n    bind 127.0.0.1:")
                    .append(port)
                    .append("\n    default_backend ")
                    .append(backend)
                    .append("\nbackend ")
                    .append(backend)
                    .append("\n    balance roundrobin\n")
                    .append("    default-server check inter 200ms fall 2 rise 1\n");
            boolean first = true;
            for (Map.Entry<String, String> server : servers.entrySet()) {
                config.append("    server ")
                        .append(server.getKey())
                        .append(' ')
                        .append(server.getValue())
                        .append(first ? " weight 100\n" : " weight 0\n");
                first = false;
            }
            Path file = directory.resolve("haproxy.cfg");
            Files.writeString(file, config);
            String haproxy = System.getenv().getOrDefault("HAPROXY", "/usr/sbin/haproxy");
            Process process = new ProcessBuilder(haproxy, "-db", "-f", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("haproxy.log").toFile())
                    .start();
            RealHaproxy started = new RealHaproxy(directory, process, port, adminPort);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("haproxy exited with code " + process.exitValue() + ": "
                            + Files.readString(directory.resolve("haproxy.log")));
                }
                return Files.exists(started.socket()) && accepts(port) && accepts(adminPort);
            });
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start haproxy", e);
        }
    }

    /** The frontend's URL. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** The admin socket's path. */
    public Path socket() {
        return directory.resolve("admin.sock");
    }

    /** A socket at {@code level operator}, which may read but not set servers. */
    public Path operatorSocket() {
        return directory.resolve("operator.sock");
    }

    /** The admin socket's TCP address, {@code 127.0.0.1:<port>}. */
    public String adminAddress() {
        return "127.0.0.1:" + adminPort;
    }

    /** HAProxy's answer to a Runtime API command on the admin socket (what a test reads back or sets up). */
    public String runtime(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket()));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy's admin socket " + socket() + ": " + command, e);
        }
    }

    /** The line of {@code server} in {@code show servers state <backend>}, split into its columns. */
    public String[] serverState(String backend, String server) {
        return runtime("show servers state " + backend)
                .lines()
                .map(line -> line.strip().split("\\s+"))
                .filter(columns -> columns.length > 3 && columns[3].equals(server))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no server " + backend + "/" + server));
    }

    /** Stops HAProxy and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** A port nobody listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
