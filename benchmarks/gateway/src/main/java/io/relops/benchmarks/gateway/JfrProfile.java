package io.relops.benchmarks.gateway;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went, from a JFR recording's execution samples ({@code jdk.ExecutionSample}) of some threads (by
 * default the gateway's Tomcat request threads, {@code http-nio-*}): the share of samples per layer (the component
 * whose code ran, or called the JDK code that ran), the hottest methods by their own samples (top frame) and by
 * samples they were on the stack for. JDK 17's {@code jfr} tool has no aggregating view; this reads the recording
 * with the JDK's own {@code jdk.jfr.consumer} API.
 *
 * <pre>java -cp … io.relops.benchmarks.gateway.JfrProfile recording.jfr [--threads=http-nio-] [--top=25]</pre>
 *
 * Record with e.g. {@code BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=gw.jfr,settings=profile'
 * benchmarks/run gateway io.relops.benchmarks.gateway.ReleaseRequestBenchmark}.
 */
public final class JfrProfile {

    /** Package prefixes to the layer they belong to, first match wins; anything else is "other". */
    private static final Map<String, String> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("io.relops.", "relops");
        LAYERS.put("org.apache.catalina.", "Tomcat");
        LAYERS.put("org.apache.coyote.", "Tomcat");
        LAYERS.put("org.apache.tomcat.", "Tomcat");
        LAYERS.put("org.springframework.security.", "Spring Security");
        LAYERS.put("org.springframework.web.", "Spring MVC / web");
        LAYERS.put("org.springframework.http.", "Spring MVC / web");
        LAYERS.put("org.springframework.validation.", "bean validation");
        LAYERS.put("org.hibernate.validator.", "bean validation");
        LAYERS.put("jakarta.validation.", "bean validation");
        LAYERS.put("tools.jackson.", "Jackson");
        LAYERS.put("com.fasterxml.jackson.", "Jackson");
        LAYERS.put("io.micrometer.", "Micrometer / observation");
        LAYERS.put("org.springframework.cloud.stream.", "Spring Cloud Stream / Integration / messaging");
        LAYERS.put("org.springframework.integration.", "Spring Cloud Stream / Integration / messaging");
        LAYERS.put("org.springframework.messaging.", "Spring Cloud Stream / Integration / messaging");
        LAYERS.put("org.springframework.kafka.", "Spring Kafka / Kafka client");
        LAYERS.put("org.apache.kafka.", "Spring Kafka / Kafka client");
        LAYERS.put("io.cloudevents.", "CloudEvents SDK / schema");
        LAYERS.put("com.networknt.", "CloudEvents SDK / schema");
        LAYERS.put("org.postgresql.", "JDBC (PostgreSQL, Hikari, Spring JDBC)");
        LAYERS.put("com.zaxxer.hikari.", "JDBC (PostgreSQL, Hikari, Spring JDBC)");
        LAYERS.put("org.springframework.jdbc.", "JDBC (PostgreSQL, Hikari, Spring JDBC)");
        LAYERS.put("org.springframework.transaction.", "JDBC (PostgreSQL, Hikari, Spring JDBC)");
        LAYERS.put("ch.qos.logback.", "logging");
        LAYERS.put("org.slf4j.", "logging");
        LAYERS.put("io.github.resilience4j.", "rate limit (Resilience4j)");
        LAYERS.put("org.springframework.", "Spring (core, beans, aop, other)");
    }

    private JfrProfile() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        String threads = arg(args, "--threads=", "http-nio-");
        int top = Integer.parseInt(arg(args, "--top=", "25"));
        Map<String, Long> byLayer = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> responsible = new HashMap<>();
        Map<String, Long> onStack = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ExecutionSample".equals(event.getEventType().getName())) {
                continue;
            }
            RecordedThread thread = event.getThread("sampledThread");
            RecordedStackTrace stack = event.getStackTrace();
            if (thread == null
                    || stack == null
                    || !String.valueOf(thread.getJavaName()).startsWith(threads)) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
            byLayer.merge(layerOf(frames), 1L, Long::sum);
            responsible.merge(responsibleFrame(frames), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = name(frame.getMethod());
                if (seen.add(method)) {
                    onStack.merge(method, 1L, Long::sum);
                }
            }
        }
        System.out.printf("%s: %d execution samples of threads %s*%n", file, samples, threads);
        print("by layer (the code that ran, or that called the JDK code that ran)", byLayer, samples, top);
        print("hottest methods, own samples (top frame)", self, samples, top);
        print("hottest methods outside the JDK (own samples and the JDK code they called)", responsible, samples, top);
        print("methods on the stack (inclusive)", onStack, samples, top);
    }

    /** The layer of the first frame from the top that is not the JDK's own code. */
    private static String layerOf(List<RecordedFrame> frames) {
        String type = responsibleFrame(frames);
        if (type.equals(JDK_ONLY)) {
            return JDK_ONLY;
        }
        for (Map.Entry<String, String> layer : LAYERS.entrySet()) {
            if (type.startsWith(layer.getKey())) {
                return layer.getValue();
            }
        }
        return "other";
    }

    private static final String JDK_ONLY = "JDK only";

    /** The first method from the top that is not the JDK's own code. */
    private static String responsibleFrame(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return name(frame.getMethod());
            }
        }
        return JDK_ONLY;
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    private static void print(String title, Map<String, Long> counts, long samples, int top) {
        System.out.printf("%n%s%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(entry -> System.out.printf(
                        "%6.1f %%  %7d  %s%n", 100.0 * entry.getValue() / samples, entry.getValue(), entry.getKey()));
    }

    private static String arg(String[] args, String prefix, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }
}
