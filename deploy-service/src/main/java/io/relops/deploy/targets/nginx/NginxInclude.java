package io.relops.deploy.targets.nginx;

import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.Traffic;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The text of an application's nginx include file for one {@link Traffic}: a pure function, so the file is the same
 * for the same traffic (the router skips the reload when nothing changed). It defines
 *
 * <ul>
 *   <li>{@code upstream <upstream>}: one server with {@code weight=100} (blue-green, all traffic to one slot) or the
 *       two slots' servers with {@code weight=} the exact percentages (nginx's weighted round robin gives each worker
 *       process exactly that share over every 100 requests);
 *   <li>with a {@code match} and a canary slot, {@code upstream <upstream>_canary}: the canary's server alone;
 *   <li>always, {@code map ... $<upstream>}: the upstream a request goes to, {@code <upstream>_canary} for the matching
 *       header or cookie, {@code <upstream>} for every other request. The user's server block proxies with {@code
 *       proxy_pass http://$<upstream>;}, which works in every state of the file.
 * </ul>
 *
 * Every name and value written is validated first: nothing from the catalog can add a directive.
 */
record NginxInclude(
        String application,
        String environment,
        String upstream,
        @Nullable MatchSpec match) {

    static final int KEEPALIVE = 16;
    private static final Pattern UPSTREAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]+");
    private static final Pattern COOKIE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern VARIABLE_SUFFIX = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
    /** Source values nginx's {@code map} reads as parameters unless escaped with a backslash. */
    private static final Set<String> MAP_KEYWORDS = Set.of("default", "hostnames", "include", "volatile");

    NginxInclude {
        if (!UPSTREAM.matcher(upstream).matches()) {
            throw new DeploymentFailedException(application + " in " + environment + ": router.nginx.upstream '"
                    + upstream + "' is not an nginx upstream name (letters, digits, _; not starting with a digit)");
        }
        if (match != null) {
            String header = match.header();
            String cookie = match.cookie();
            if ((header == null) == (cookie == null)) {
                throw new DeploymentFailedException(application + " in " + environment
                        + ": router.match needs either a header or a cookie (not both)");
            }
            if (header != null && !HEADER.matcher(header).matches()) {
                throw new DeploymentFailedException(application + " in " + environment + ": router.match.header '"
                        + header + "' is not a header name (letters, digits, -)");
            }
            if (cookie != null && !COOKIE.matcher(cookie).matches()) {
                throw new DeploymentFailedException(application + " in " + environment + ": router.match.cookie '"
                        + cookie + "' is not a cookie name (letters, digits, _, -)");
            }
            if (!VALUE.matcher(match.value()).matches()) {
                throw new DeploymentFailedException(application + " in " + environment + ": router.match.value '"
                        + match.value() + "' may hold only letters, digits and . _ ~ -");
            }
        }
    }

    /** {@code relops_<application>_<environment>}, every character nginx does not allow in a name as {@code _}. */
    static String defaultUpstream(String application, String environment) {
        return ("relops_" + application + "_" + environment).replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The upstream the matching requests go to. */
    String canaryUpstream() {
        return upstream + "_canary";
    }

    /** The file's text for {@code traffic}. */
    String render(Traffic traffic) {
        StringBuilder text = new StringBuilder();
        text.append("# Written by relops (deploy-service) for ")
                .append(application)
                .append(" in ")
                .append(environment)
                .append(": rewritten on every traffic change, do not edit.\n")
                .append("# Include it in nginx's http block; proxy with: proxy_pass http://$")
                .append(upstream)
                .append(";\n");
        text.append("upstream ").append(upstream).append(" {\n");
        if (traffic.canarySlot() == null || traffic.canaryWeight() == 0) {
            server(text, traffic.stableSlot(), traffic.stableEndpoint(), 100);
        } else if (traffic.canaryWeight() == 100) {
            server(text, traffic.canarySlot(), canaryEndpoint(traffic), 100);
        } else {
            server(text, traffic.stableSlot(), traffic.stableEndpoint(), 100 - traffic.canaryWeight());
            server(text, traffic.canarySlot(), canaryEndpoint(traffic), traffic.canaryWeight());
        }
        text.append("    keepalive ").append(KEEPALIVE).append(";\n}\n");
        boolean canary = match != null && traffic.canarySlot() != null;
        if (canary) {
            text.append("upstream ").append(canaryUpstream()).append(" {\n");
            server(text, traffic.canarySlot(), canaryEndpoint(traffic), 100);
            text.append("    keepalive ").append(KEEPALIVE).append(";\n}\n");
        }
        text.append("map ").append(source()).append(" $").append(upstream).append(" {\n");
        if (canary) {
            text.append("    ")
                    .append(mapKey())
                    .append(' ')
                    .append(canaryUpstream())
                    .append(";\n");
        }
        text.append("    default ").append(upstream).append(";\n}\n");
        return text.toString();
    }

    /** What the requests that reach the canary carry, for people (logs, the shift's note). */
    @Nullable
    String matchDescription() {
        if (match == null) {
            return null;
        }
        return match.header() != null
                ? "header " + match.header() + ": " + match.value()
                : "cookie " + match.cookie() + "=" + match.value();
    }

    /** The map's source: the header's or cookie's variable ({@code ""}: no match, every request to the upstream). */
    private String source() {
        if (match == null) {
            return "\"\"";
        }
        if (match.header() != null) {
            return "$http_" + match.header().toLowerCase(Locale.ROOT).replace('-', '_');
        }
        String cookie = match.cookie();
        return cookie != null && VARIABLE_SUFFIX.matcher(cookie).matches() ? "$cookie_" + cookie : "$http_cookie";
    }

    /**
     * The map's key for the matching requests: the value (nginx compares map strings case-insensitively), or for a
     * cookie whose name has a {@code -} (no {@code $cookie_} variable can name it) a regular expression on the Cookie
     * header.
     */
    private String mapKey() {
        MatchSpec spec = Objects.requireNonNull(match);
        String value = spec.value();
        if (spec.cookie() != null && !VARIABLE_SUFFIX.matcher(spec.cookie()).matches()) {
            return "\"~(^|;\\s*)" + spec.cookie() + "=" + value.replace(".", "\\.") + "(;|$)\"";
        }
        boolean escape = value.startsWith("~") || MAP_KEYWORDS.contains(value.toLowerCase(Locale.ROOT));
        return "\"" + (escape ? "\\" : "") + value + "\"";
    }

    private String canaryEndpoint(Traffic traffic) {
        return Objects.requireNonNull(traffic.canaryEndpoint(), "canary endpoint");
    }

    private void server(StringBuilder text, @Nullable String slot, String endpoint, int weight) {
        text.append("    server ")
                .append(address(slot, endpoint))
                .append(" weight=")
                .append(weight)
                .append("; # slot ")
                .append(slot)
                .append('\n');
    }

    /** {@code host:port} of a slot's endpoint (an http or https URL). */
    private String address(@Nullable String slot, String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new DeploymentFailedException(
                    application + " in " + environment + ": slot " + slot + "'s endpoint '" + endpoint
                            + "' is not a URL, so the nginx router cannot name it as an upstream server",
                    e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!(scheme.equals("http") || scheme.equals("https"))
                || host == null
                || !HOST.matcher(host).matches()) {
            throw new DeploymentFailedException(application + " in " + environment + ": slot " + slot
                    + "'s endpoint '" + endpoint + "' is not an http(s) URL with a host, so the nginx router cannot"
                    + " name it as an upstream server");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return host + ":" + port;
    }
}
