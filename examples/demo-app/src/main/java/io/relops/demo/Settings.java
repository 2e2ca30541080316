package io.relops.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * demo-app's command line: {@code --version=V} (default 0.0.0), {@code --port=N} (default 9001, 0 for a free port),
 * {@code --latency-ms=N} (what a {@code -slow} version adds, default 300) and {@code --data-dir=PATH} (none by
 * default). An unknown option or a bad value is refused with a message naming the option.
 *
 * @param dataDir where the app logs its starts; {@code null} for nowhere
 */
record Settings(String version, int port, Duration slowLatency, Path dataDir) {

    static final String USAGE =
            "java -jar demo-app.jar --version=1.0.0 --port=9001 [--data-dir=PATH] [--latency-ms=300]";

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    static Settings parse(String... args) {
        String version = "0.0.0";
        String port = "9001";
        String latency = Long.toString(DemoApp.DEFAULT_SLOW_LATENCY.toMillis());
        String dataDir = "";
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            String value = equals < 0 ? "" : arg.substring(equals + 1);
            switch (name) {
                case "--version" -> version = value;
                case "--port" -> port = value;
                case "--latency-ms" -> latency = value;
                case "--data-dir" -> dataDir = value;
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + arg + "' (known: --version, --port, --latency-ms, --data-dir)");
            }
        }
        return new Settings(
                requireVersion(version),
                requirePort(wholeNumber("--port", port)),
                requireLatency(Duration.ofMillis(wholeNumber("--latency-ms", latency))),
                dataDir.isEmpty() ? null : Path.of(dataDir));
    }

    static String requireVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("--version: '" + version
                    + "' is not a version (letters, digits and . _ + -, starting with a letter or digit, e.g."
                    + " 1.1.0 or 2.0.0-slow)");
        }
        return version;
    }

    static int requirePort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port: " + port + " is not a port (0 to 65535; 0 takes a free one)");
        }
        return port;
    }

    static Duration requireLatency(Duration latency) {
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("--latency-ms: "
                    + (latency == null ? "none" : latency.toMillis() + " ms") + " is not zero or more");
        }
        return latency;
    }

    private static int wholeNumber(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not a whole number");
        }
    }
}
