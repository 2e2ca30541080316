package io.relops.deploy.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}), run by a test as the current user: its prefix directory (configuration,
 * pid, logs, temporary files) in the test's own directory, listening on a free port of 127.0.0.1, one worker process
 * (nginx's weighted round robin is per worker: one worker splits every 100 requests exactly). Its configuration
 * includes the file relops' nginx router writes ({@link #includeFile()}) and proxies every request with {@code
 * proxy_pass http://$<upstream>;}, as docs/deploy-targets.md tells users to. The master runs in the foreground
 * ({@code daemon off}) as the test's child process, so {@link #close()} can always end it.
 */
public final class RealNginx implements AutoCloseable {

    public static final String EXECUTABLE = "/usr/sbin/nginx";
    private static final Duration START = Duration.ofSeconds(20);

    private final Path prefix;
    private final int port;
    private final Process master;

    private RealNginx(Path prefix, int port, Process master) {
        this.prefix = prefix;
        this.port = port;
        this.master = master;
    }

    /**
     * Starts nginx in {@code prefix} (created; any previous content of its include file is replaced by a placeholder
     * upstream pointing at {@code placeholder}, a {@code host:port}), serving upstream {@code upstream}.
     */
    public static RealNginx start(Path prefix, String upstream, String placeholder) throws IOException {
        Path absolute = prefix.toAbsolutePath().normalize();
        Files.createDirectories(absolute.resolve("logs"));
        Files.createDirectories(absolute.resolve("tmp"));
        Files.createDirectories(absolute.resolve("upstreams"));
        int port = freePort();
        Files.writeString(absolute.resolve("nginx.conf"), """
                worker_processes 1;
                pid logs/nginx.pid;
                error_log logs/error.log notice;
                events {
                    worker_connections 1024;
                }
                http {
                    access_log off;
                    client_body_temp_path tmp/client_body;
                    proxy_temp_path tmp/proxy;
                    fastcgi_temp_path tmp/fastcgi;
                    uwsgi_temp_path tmp/uwsgi;
                    scgi_temp_path tmp/scgi;
                    include upstreams/app.conf;
                    server {
                        listen 127.0.0.1:%d;
                        location / {
                            proxy_pass http://$%s;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                }
                """.formatted(port, upstream));
        Files.writeString(absolute.resolve("upstreams/app.conf"), """
                upstream %1$s {
                    server %2$s;
                }
                map "" $%1$s {
                    default %1$s;
                }
                """.formatted(upstream, placeholder));
        List<String> command = new ArrayList<>(options(absolute));
        command.add("-g");
        command.add("daemon off;");
        Process master = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(absolute.resolve("logs/master.out").toFile())
                .start();
        RealNginx nginx = new RealNginx(absolute, port, master);
        try {
            await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!master.isAlive()) {
                    throw new IllegalStateException("nginx exited with code " + master.exitValue() + ": "
                            + Files.readString(absolute.resolve("logs/master.out")) + " (" + absolute + ")");
                }
                return accepts(port);
            });
        } catch (RuntimeException e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    /** The options every command names: prefix, error log, configuration (all under the prefix). */
    private static List<String> options(Path prefix) {
        return List.of(EXECUTABLE, "-p", prefix + "/", "-e", "logs/error.log", "-c", "nginx.conf");
    }

    public int port() {
        return port;
    }

    /** The stable URL nginx serves. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public Path prefix() {
        return prefix;
    }

    /** The file the router writes (router.nginx.include-file). */
    public Path includeFile() {
        return prefix.resolve("upstreams/app.conf");
    }

    /** Stops nginx gracefully ({@code -s quit}), forcibly after 10 s. */
    @Override
    public void close() {
        try {
            if (master.isAlive()) {
                List<String> quit = new ArrayList<>(options(prefix));
                quit.addAll(List.of("-s", "quit"));
                new ProcessBuilder(quit).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
                if (!master.waitFor(10, TimeUnit.SECONDS)) {
                    master.descendants().forEach(ProcessHandle::destroyForcibly);
                    master.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            master.descendants().forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            master.descendants().forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly();
            Thread.currentThread().interrupt();
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
