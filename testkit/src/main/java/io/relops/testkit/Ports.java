package io.relops.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local ports for what a test starts later: a suite's services, an application's slots and stable URL, a tool.
 *
 * <p>A port from {@code new ServerSocket(0)} is one of the kernel's ephemeral ports ({@code
 * net.ipv4.ip_local_port_range}, 32768–60999 by default), which it also gives to every outbound connection: chosen at
 * a suite's start and bound minutes later (a production slot's stable URL, say), it may meanwhile be the local end of
 * some Kafka or HTTP connection, and the bind fails ("Failed to bind"). These ports are taken below that range, where
 * no connection is given one, each checked free when handed out; each JVM starts at a random place in the range and
 * never hands out the same port twice, so two test JVMs at once rarely meet.
 */
public final class Ports {

    private static final int LOWEST = 20_000;
    private static final int EPHEMERAL_DEFAULT = 32_768;
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    private Ports() {}

    /** A local port nobody listens on now, outside the ephemeral range. */
    public static int free() {
        int highest = ephemeralLow() - 1;
        int span = highest - LOWEST + 1;
        if (span <= 0) {
            return ephemeral();
        }
        for (int i = 0; i < span; i++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), span);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free local port between " + LOWEST + " and " + highest);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeral() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port: " + e.getMessage(), e);
        }
    }

    /** The lowest ephemeral port (Linux's setting; the usual default elsewhere). */
    private static int ephemeralLow() {
        try {
            // line by line: Files.readString trusts the size /proc reports and returns a truncated text
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0)
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return EPHEMERAL_DEFAULT;
        }
    }
}
