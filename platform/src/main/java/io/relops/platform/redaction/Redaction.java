package io.relops.platform.redaction;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Keeps secret URLs and tokens out of logs, errors and events, which cannot be taken back: a URL is shown by its
 * scheme and host only ({@code https://hooks.slack.com/…}), since its path, query or user info may be the secret
 * itself (a Slack webhook URL is), and a bearer token not at all.
 */
public final class Redaction {

    /** What stands for the removed part of a URL. */
    public static final String ELLIPSIS = "/…";

    private static final Pattern URL = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>()\\[\\]{},]+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]+");

    private Redaction() {}

    /**
     * {@code scheme://host[:port]/…}: the URL without user info, path, query or fragment (the {@code /…} only when
     * something was removed); {@code <unparsable URL>} when it is not one.
     */
    public static String schemeAndHost(@Nullable String url) {
        if (url == null) {
            return "<no URL>";
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            return "<unparsable URL>";
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return "<unparsable URL>";
        }
        String shown = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        boolean removed = uri.getRawUserInfo() != null
                || (uri.getRawPath() != null
                        && !uri.getRawPath().isEmpty()
                        && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null;
        return removed ? shown + ELLIPSIS : shown;
    }

    /** {@code text} with every URL in it shown by {@link #schemeAndHost} and every bearer token removed. */
    public static String redact(@Nullable String text) {
        if (text == null) {
            return "";
        }
        Matcher urls = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (urls.find()) {
            urls.appendReplacement(out, Matcher.quoteReplacement(schemeAndHost(urls.group())));
        }
        urls.appendTail(out);
        return BEARER.matcher(out).replaceAll("$1 <redacted>");
    }
}
