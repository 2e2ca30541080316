package io.relops.deploy.targets.haproxy;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.relops.deploy.catalog.DeployCatalog.HaproxyRouterSpec;
import io.relops.deploy.catalog.DeployCatalog.TargetSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import io.relops.deploy.targets.TrafficRouter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code haproxy} router: splits an application's traffic by the weights of the servers of an HAProxy backend, one
 * server per slot, through HAProxy's Runtime API ({@link RuntimeApi}) on the catalog's {@code router.haproxy.socket}.
 * Nothing is reloaded: HAProxy applies a weight to the next request it balances, and a request in flight finishes on
 * the server it started on.
 *
 * <p>A route call, every step absolute and so idempotent:
 *
 * <ol>
 *   <li>reads the backend ({@code show servers state}) and requires a server for every slot;
 *   <li>raises the servers that get traffic: their address and port to the slot's endpoint when they differ ({@code
 *       set server <b>/<s> addr <ip> port <port>}: haproxy.cfg may declare placeholders), {@code state ready} and the
 *       new weight when it is higher;
 *   <li>waits, within {@code timeout}, until each of them is UP (its health check, if it has one, passed): only then
 *       does it lower the others, so there is a server that takes requests at every moment;
 *   <li>lowers the other servers' weights, to 0 for a slot that gets no traffic. A slot at 0 % keeps state {@code
 *       ready} at weight 0 rather than {@code drain} or {@code maint}: HAProxy sends it no new request, lets the ones
 *       in flight finish, keeps health-checking it (a switch back waits for nothing), and a {@code use-server} rule of
 *       the user's haproxy.cfg (a header match for testers) still reaches it; {@code maint} would stop its checks;
 *   <li>reads the backend back and returns each slot's share: its weight as a percentage of the sum of the weights of
 *       the backend's servers that are UP and ready.
 * </ol>
 *
 * A socket that is absent or refuses is a {@code TargetUnavailableException} (retried); an answer such as {@code No
 * such server.} is a {@link DeploymentFailedException} naming the backend, the server and the answer.
 */
@Component
public class HaproxyRouter implements TrafficRouter {

    static final String TYPE = "haproxy";

    private static final Logger log = LoggerFactory.getLogger(HaproxyRouter.class);
    private static final Duration UP_POLL = Duration.ofMillis(100);
    /** Backend and server names go into Runtime API commands: nothing that could end a command or start another. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    /** One route call at a time per backend of one HAProxy: two calls interleaving could leave both slots low. */
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return TYPE;
    }

    /** Whether the socket is a unix socket path, reachable only on the host it is on, not {@code host:port}. */
    @Override
    public boolean hostBound(TargetContext context) {
        HaproxyRouterSpec spec = context.spec().router().haproxy();
        return spec == null || RuntimeApi.isUnixSocket(spec.socket());
    }

    /** Without a context: a unix socket is the catalog's usual choice, so its calls run on the process host. */
    @Override
    public boolean hostBound() {
        return true;
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        HaproxyRouterSpec spec = spec(context);
        Backend backend = new Backend(
                context,
                new RuntimeApi(spec.socket(), spec.timeout()),
                spec.backend() == null || spec.backend().isBlank() ? context.application() : spec.backend(),
                servers(context, spec, traffic));
        backend.requireValidNames();
        ReentrantLock lock = locks.computeIfAbsent(spec.socket() + " " + backend.name, key -> new ReentrantLock());
        lock.lock();
        try {
            return route(context, spec, backend, traffic);
        } finally {
            lock.unlock();
        }
    }

    private Routed route(TargetContext context, HaproxyRouterSpec spec, Backend backend, Traffic traffic) {
        Map<String, Integer> asked = Routed.weightsOf(traffic);
        Map<String, ServerState> before = backend.state();
        backend.requireServers(before);

        List<String> raised = new ArrayList<>();
        try {
            for (Map.Entry<String, Integer> share : asked.entrySet()) {
                String slot = share.getKey();
                ServerState server = before.get(backend.server(slot));
                String endpoint =
                        slot.equals(traffic.stableSlot()) ? traffic.stableEndpoint() : traffic.canaryEndpoint();
                raised.add(slot);
                if (endpoint != null) {
                    backend.setAddress(slot, server, endpoint);
                }
                // its weight first: a server made ready takes requests at once, at the weight it has then (a server
                // already serving is only raised here; the others are lowered once the raised ones are UP)
                if (share.getValue() > server.weight() || !server.ready() && share.getValue() != server.weight()) {
                    backend.set(slot, "weight " + share.getValue());
                }
                if (!server.ready()) {
                    backend.set(slot, "state ready");
                }
            }
            backend.awaitServing(raised, spec.timeout());
        } catch (RuntimeException e) {
            // not UP now (or HAProxy stopped answering): what was raised must not take requests when it comes UP later
            for (String slot : raised) {
                ServerState server = before.get(backend.server(slot));
                try {
                    if (server.weight() != asked.get(slot)) {
                        backend.set(slot, "weight " + server.weight());
                    }
                    if (!server.ready()) {
                        backend.set(slot, "state " + server.adminWord());
                    }
                } catch (RuntimeException restore) {
                    e.addSuppressed(restore);
                }
            }
            throw e;
        }
        for (String slot : backend.slots()) {
            int weight = asked.getOrDefault(slot, 0);
            if (weight < before.get(backend.server(slot)).weight()) {
                backend.set(slot, "weight " + weight);
            }
        }

        Routed routed = backend.confirmed(asked);
        log.info(
                "{} in {}: HAProxy backend {} at {} now sends {} (asked {}){}",
                context.application(),
                context.environment(),
                backend.name,
                spec.socket(),
                routed.weights(),
                asked,
                routed.note() == null ? "" : "; " + routed.note());
        return routed;
    }

    private static HaproxyRouterSpec spec(TargetContext context) {
        HaproxyRouterSpec spec = context.spec().router().haproxy();
        if (spec == null) {
            throw new DeploymentFailedException("application " + context.application() + " in " + context.environment()
                    + " uses router haproxy but has no router.haproxy (socket) in the catalog");
        }
        return spec;
    }

    /**
     * The slots this router weighs, each with its server: {@code servers} when the catalog maps them, else a server per
     * slot of the target (named as the slot), and the slots {@code traffic} names in any case.
     */
    private static Map<String, String> servers(TargetContext context, HaproxyRouterSpec spec, Traffic traffic) {
        Set<String> slots = new LinkedHashSet<>();
        if (spec.servers() != null) {
            slots.addAll(spec.servers().keySet());
        }
        TargetSpec target = context.spec().target();
        if (target != null && target.process() != null) {
            slots.addAll(target.process().slots().keySet());
        }
        if (target != null && target.compose() != null) {
            slots.addAll(target.compose().slots().keySet());
        }
        slots.add(traffic.stableSlot());
        if (traffic.canarySlot() != null) {
            slots.add(traffic.canarySlot());
        }
        Map<String, String> servers = new LinkedHashMap<>();
        for (String slot : slots) {
            servers.put(slot, spec.servers() == null ? slot : spec.servers().getOrDefault(slot, slot));
        }
        return servers;
    }

    /** The application's backend on one HAProxy, its slots' servers and the commands on them. */
    private static final class Backend {

        private final TargetContext context;
        private final RuntimeApi api;
        private final String name;
        private final Map<String, String> servers;

        Backend(TargetContext context, RuntimeApi api, String name, Map<String, String> servers) {
            this.context = context;
            this.api = api;
            this.name = name;
            this.servers = servers;
        }

        Set<String> slots() {
            return servers.keySet();
        }

        String server(String slot) {
            return servers.get(slot);
        }

        Map<String, ServerState> state() {
            String answer = api.execute("show servers state " + name);
            try {
                return ServerState.parse(answer);
            } catch (IllegalArgumentException e) {
                throw new DeploymentFailedException(
                        "HAProxy at " + api.socket() + " has no backend '" + name + "' of " + context.application()
                                + " in " + context.environment() + " (`show servers state " + name + "` answered: "
                                + e.getMessage() + "); declare it in haproxy.cfg or set router.haproxy.backend",
                        e);
            }
        }

        void requireValidNames() {
            List<String> bad = new ArrayList<>();
            if (!NAME.matcher(name).matches()) {
                bad.add("backend '" + name + "'");
            }
            servers.forEach((slot, server) -> {
                if (!NAME.matcher(server).matches()) {
                    bad.add("server '" + server + "' (slot " + slot + ")");
                }
            });
            if (!bad.isEmpty()) {
                throw new DeploymentFailedException("HAProxy names of " + context.application() + " in "
                        + context.environment() + " are not usable in Runtime API commands: " + String.join(", ", bad)
                        + " (letters, digits, '_', '.', ':', '-'); set router.haproxy.backend / servers");
            }
        }

        /** Whether two addresses are the same IP, however each is written ({@code ::1} and {@code 0:0:0:0:0:0:0:1}). */
        private static boolean sameAddress(String resolved, String current) {
            if (resolved.equals(current)) {
                return true;
            }
            if (!current.matches("[0-9A-Fa-f:.]+") || !current.matches(".*[.:].*")) {
                return false; // not an IP literal (HAProxy reports one): never resolved here
            }
            try {
                return InetAddress.getByName(resolved).equals(InetAddress.getByName(current));
            } catch (UnknownHostException e) {
                return false;
            }
        }

        void requireServers(Map<String, ServerState> state) {
            List<String> missing = servers.entrySet().stream()
                    .filter(slot -> !state.containsKey(slot.getValue()))
                    .map(slot -> "'" + slot.getValue() + "' (slot " + slot.getKey() + ")")
                    .toList();
            if (!missing.isEmpty()) {
                throw new DeploymentFailedException("HAProxy backend " + name + " at " + api.socket() + " of "
                        + context.application() + " in " + context.environment() + " has no server "
                        + String.join(", ", missing) + " (its servers: " + String.join(", ", state.keySet())
                        + "); declare one server per slot in haproxy.cfg or map slots with router.haproxy.servers");
            }
        }

        /** {@code set server <backend>/<server> <setting>}: HAProxy answers nothing when it applied it. */
        void set(String slot, String setting) {
            String command = "set server " + name + "/" + server(slot) + " " + setting;
            String answer = api.execute(command).strip();
            if (!answer.isEmpty()) {
                throw refused(command, answer);
            }
        }

        /** Points the slot's server at {@code endpoint} when it is elsewhere (a placeholder in haproxy.cfg). */
        void setAddress(String slot, ServerState server, String endpoint) {
            URI uri = URI.create(endpoint);
            if (uri.getHost() == null) {
                throw new DeploymentFailedException("slot " + slot + " of " + context.application() + " has endpoint "
                        + endpoint + ", which names no host for HAProxy server " + name + "/" + server(slot));
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String address;
            try {
                address = InetAddress.getByName(uri.getHost()).getHostAddress();
            } catch (UnknownHostException e) {
                throw new DeploymentFailedException(
                        "cannot resolve " + uri.getHost() + ", the host of slot " + slot + " of "
                                + context.application() + " (" + endpoint + "), for HAProxy server " + name + "/"
                                + server(slot),
                        e);
            }
            if (sameAddress(address, server.address()) && port == server.port()) {
                return;
            }
            String command = "set server " + name + "/" + server(slot) + " addr " + address + " port " + port;
            String answer = api.execute(command).strip();
            if (!answer.contains("changed from") && !answer.contains("no need to change")) {
                throw refused(command, answer);
            }
            if (answer.contains("changed from") && server.checked()) {
                // its UP state is the checks' verdict on the old address: it must be proven again at the new one
                String down = "set server " + name + "/" + server(slot) + " health down";
                String refusal = api.execute(down).strip();
                if (!refusal.isEmpty()) {
                    throw refused(down, refusal);
                }
            }
            log.info(
                    "{} in {}: HAProxy server {}/{} of slot {} moved from {}:{} to {}:{}",
                    context.application(),
                    context.environment(),
                    name,
                    server(slot),
                    slot,
                    server.address(),
                    server.port(),
                    address,
                    port);
        }

        /** Waits until every server of {@code slots} serves (UP, ready): its health check passed, if it has one. */
        void awaitServing(List<String> slots, Duration timeout) {
            if (slots.isEmpty()) {
                return;
            }
            // bounded by the deadline, whatever each `show servers state` takes; a failing read ends the wait at once
            long deadline = System.nanoTime() + timeout.toNanos();
            Retry retry = Retry.of(
                    "haproxy-up-" + name,
                    RetryConfig.<Map<String, ServerState>>custom()
                            .maxAttempts(Integer.MAX_VALUE)
                            .intervalFunction(IntervalFunction.of(UP_POLL))
                            .retryOnResult(
                                    state -> !notServing(state, slots).isEmpty() && System.nanoTime() - deadline < 0)
                            .retryOnException(e -> false)
                            .build());
            Map<String, ServerState> state = retry.executeSupplier(this::state);
            List<String> down = notServing(state, slots);
            if (!down.isEmpty()) {
                throw new DeploymentFailedException("HAProxy backend " + name + " at " + api.socket() + " of "
                        + context.application() + " in " + context.environment() + ": server "
                        + String.join(", ", down) + " did not come UP within " + RuntimeApi.format(timeout)
                        + " (its health check fails?); its weight is back where it was, traffic stays where it was");
            }
        }

        private List<String> notServing(Map<String, ServerState> state, List<String> slots) {
            return slots.stream()
                    .filter(slot -> {
                        ServerState server = state.get(server(slot));
                        return server == null || !server.serving();
                    })
                    .map(slot -> {
                        ServerState server = state.get(server(slot));
                        return name + "/" + server(slot) + " (slot " + slot + ": "
                                + (server == null ? "gone" : server.describe()) + ")";
                    })
                    .toList();
        }

        /** The shares HAProxy now applies, read back; a note when they differ from {@code asked}. */
        Routed confirmed(Map<String, Integer> asked) {
            Map<String, ServerState> state = state();
            int total = state.values().stream()
                    .mapToInt(ServerState::effectiveWeight)
                    .sum();
            if (total == 0) {
                throw new DeploymentFailedException("HAProxy backend " + name + " at " + api.socket() + " of "
                        + context.application() + " in " + context.environment()
                        + " has no server that takes requests: " + describe(state));
            }
            Map<String, Integer> weights = new LinkedHashMap<>();
            for (String slot : slots()) {
                ServerState server = state.get(server(slot));
                int share = server == null ? 0 : Math.round(100f * server.effectiveWeight() / total);
                if (share > 0) {
                    weights.put(slot, share);
                }
            }
            List<String> notes = new ArrayList<>();
            state.values().stream()
                    .filter(server -> !servers.containsValue(server.name()) && server.effectiveWeight() > 0)
                    .forEach(server -> notes.add("server " + server.name() + ", not a slot's, gets "
                            + Math.round(100f * server.effectiveWeight() / total) + "%"));
            if (!weights.equals(asked)) {
                notes.add("asked " + asked + "; HAProxy reports " + describe(state));
            }
            return new Routed(TYPE, weights, notes.isEmpty() ? null : String.join("; ", notes));
        }

        private static String describe(Map<String, ServerState> state) {
            return state.values().stream()
                    .map(server -> server.name() + " " + server.describe())
                    .collect(Collectors.joining("; "));
        }

        private DeploymentFailedException refused(String command, String answer) {
            String hint = answer.contains("Permission denied")
                    ? " (the stats socket needs `level admin` in haproxy.cfg)"
                    : "";
            return new DeploymentFailedException("HAProxy at " + api.socket() + " refused `" + command + "` for "
                    + context.application() + " in " + context.environment() + ": " + answer + hint);
        }
    }
}
