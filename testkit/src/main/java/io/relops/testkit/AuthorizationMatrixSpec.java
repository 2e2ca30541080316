package io.relops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The authorization matrix as {@code docs/security.md} specifies it, turned into requests: for a
 * service, every endpoint of its table (and of the "every service" table) × every role, no token
 * and a bad token, each with the answer the table gives ({@code ✓}: passes authorization, i.e.
 * neither 401 nor 403; else the exact status). {@link #assertEveryEndpointHasARow} makes an endpoint
 * without a row fail its service's matrix test.
 */
public final class AuthorizationMatrixSpec {

    /** The value of every path variable in a generated request. */
    public static final String SAMPLE_ID = "5f0c2a8e-6f1b-4c3a-9d7e-2b8f4a1c9e30";

    /** Who calls: a role's token, no token, or a token nobody knows. */
    public static final String NO_TOKEN = "no token";

    public static final String BAD_TOKEN = "bad token";

    private static final String PASSES = "✓";
    private static final String SHARED = "every service";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One row of a table. */
    public record Endpoint(String method, String path, Map<String, String> answers) {

        String signature() {
            return method + " " + normalize(path);
        }
    }

    /** One cell: {@code caller} calls {@code endpoint} and gets {@code expected} ({@code ✓}, 401, 403). */
    public record Cell(Endpoint endpoint, String caller, String expected) {

        @Override
        public String toString() {
            return endpoint.method() + " " + endpoint.path() + " as " + caller + " → " + expected;
        }
    }

    private AuthorizationMatrixSpec() {}

    /** The rows of {@code service}'s table followed by those of the "every service" table. */
    public static List<Endpoint> endpoints(String service) {
        List<String> lines = lines();
        List<Endpoint> endpoints = new ArrayList<>(table(lines, service));
        if (endpoints.isEmpty()) {
            throw new IllegalStateException("docs/security.md has no table under '### " + service + "'");
        }
        endpoints.addAll(table(lines, SHARED));
        return endpoints;
    }

    /** Every cell of {@code service}'s matrix. */
    public static Stream<Cell> cells(String service) {
        return endpoints(service).stream()
                .flatMap(endpoint -> endpoint.answers().entrySet().stream()
                        .map(answer -> new Cell(endpoint, answer.getKey(), answer.getValue())));
    }

    /** Sends the cell's request to {@code baseUrl} and asserts the answer the matrix gives. */
    public static void assertAnswer(String baseUrl, Cell cell) {
        HttpResponse<String> response = send(baseUrl, cell);
        String what = cell + " (answered " + response.statusCode() + " " + response.body() + ")";
        if (PASSES.equals(cell.expected())) {
            assertThat(response.statusCode()).as(what).isNotIn(401, 403);
        } else {
            assertThat(response.statusCode()).as(what).isEqualTo(Integer.parseInt(cell.expected()));
            assertThat(response.headers().firstValue("Content-Type"))
                    .as(what)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            if (response.statusCode() == 401) {
                assertThat(response.headers().firstValue("WWW-Authenticate"))
                        .as(what)
                        .hasValue("Bearer");
            }
        }
        if (response.statusCode() >= 400) {
            // whatever the error (a 500 of a backend that is not there included), no internals
            assertThat(response.body()).as(what).doesNotContain("Exception", "\tat ", "Caused by", "trace");
        }
        assertSecurityHeaders(response, what);
    }

    /** The headers every answer of the API chain carries (HSTS only over TLS). */
    public static void assertSecurityHeaders(HttpResponse<?> response, String what) {
        var headers = response.headers();
        assertThat(headers.firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
        assertThat(headers.firstValue("X-Frame-Options")).as(what).hasValue("DENY");
        assertThat(headers.firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
        assertThat(headers.firstValue("Content-Security-Policy"))
                .as(what)
                .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
    }

    /**
     * Every endpoint the service maps is a row of its table, or is served by a filter chain of its
     * own (not the API chain, e.g. the gateway's console), or is Spring's error page.
     */
    public static void assertEveryEndpointHasARow(String service, ApplicationContext context) {
        Set<String> rows = new TreeSet<>();
        endpoints(service).forEach(e -> rows.add(e.signature()));
        Map<String, SecurityFilterChain> chains = context.getBeansOfType(SecurityFilterChain.class);
        List<String> missing = new ArrayList<>();
        for (RequestMappingHandlerMapping mapping :
                context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<String> methods = new TreeSet<>();
                info.getMethodsCondition().getMethods().forEach(m -> methods.add(m.name()));
                if (methods.isEmpty()) {
                    methods.add("ANY");
                }
                for (String pattern : info.getPatternValues()) {
                    if (pattern.equals("/error")) {
                        continue;
                    }
                    for (String method : methods) {
                        String signature = method + " " + normalize(pattern);
                        if (!rows.contains(signature) && !ownChain(chains, method, pattern)) {
                            missing.add(signature);
                        }
                    }
                }
            }
        }
        assertThat(missing)
                .as("endpoints of " + service + " without a row in docs/security.md (add the rule to the service's"
                        + " AuthorizationMatrix and the row to the table)")
                .isEmpty();
    }

    private static boolean ownChain(Map<String, SecurityFilterChain> chains, String method, String pattern) {
        MockHttpServletRequest request =
                new MockHttpServletRequest(method.equals("ANY") ? "GET" : method, sample(pattern));
        request.setServletPath(sample(pattern));
        return chains.entrySet().stream()
                .filter(e -> !e.getKey().equals("relopsApiSecurity"))
                .anyMatch(e -> e.getValue().matches(request));
    }

    private static HttpResponse<String> send(String baseUrl, Cell cell) {
        Endpoint endpoint = cell.endpoint();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + sample(endpoint.path())))
                .timeout(Duration.ofSeconds(30));
        if (endpoint.method().equals("POST") || endpoint.method().equals("PUT")) {
            request.header("Content-Type", "application/json")
                    .method(endpoint.method(), HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            request.method(endpoint.method(), HttpRequest.BodyPublishers.noBody());
        }
        if (cell.caller().equals(BAD_TOKEN)) {
            request.header("Authorization", "Bearer " + TestCredentials.badToken());
        } else if (!cell.caller().equals(NO_TOKEN)) {
            request.header("Authorization", TestCredentials.bearer(cell.caller()));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(cell.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The path with each variable replaced by {@link #SAMPLE_ID}. */
    public static String sample(String pattern) {
        return pattern.replaceAll("\\{[^}]+}", SAMPLE_ID).replace("/**", "/x");
    }

    static String normalize(String pattern) {
        return pattern.replaceAll("\\{[^}]+}", "{}");
    }

    private static List<Endpoint> table(List<String> lines, String section) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equalsIgnoreCase("### " + section)) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            return List.of();
        }
        List<Endpoint> endpoints = new ArrayList<>();
        @Nullable List<String> header = null;
        for (int i = start; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (header != null) {
                    break;
                }
                continue;
            }
            List<String> cells = split(line);
            if (header == null) {
                header = cells;
                continue;
            }
            if (cells.get(0).startsWith("-")) {
                continue;
            }
            Map<String, String> answers = new LinkedHashMap<>();
            for (int c = 2; c < header.size(); c++) {
                String caller = header.get(c).toLowerCase(Locale.ROOT);
                if (caller.equals("notes")) {
                    continue;
                }
                answers.put(caller, cells.get(c));
            }
            endpoints.add(new Endpoint(cells.get(0).toUpperCase(Locale.ROOT), unquote(cells.get(1)), answers));
        }
        return endpoints;
    }

    private static List<String> split(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    private static String unquote(String cell) {
        return cell.replace("`", "");
    }

    private static List<String> lines() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null) {
            Path document = directory.resolve("docs").resolve("security.md");
            if (Files.isRegularFile(document)) {
                try {
                    return Files.readAllLines(document);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            directory = directory.getParent();
        }
        throw new IllegalStateException(
                "docs/security.md not found above " + Path.of("").toAbsolutePath());
    }
}
