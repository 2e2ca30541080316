package io.relops.deploy.targets.haproxy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One server of a backend as HAProxy's {@code show servers state <backend>} reports it (format version 1: a version
 * line, a {@code #} header naming the columns, one line per server): its address, operational state ({@code
 * srv_op_state}: 0 down, 1 starting, 2 running, 3 stopping), administrative state ({@code srv_admin_state}: flags,
 * 0 when ready, maintenance and drain otherwise), weight set at runtime ({@code srv_uweight}) and health check state
 * ({@code srv_check_state}: flags, {@code 0x4} when its checks are enabled).
 */
record ServerState(
        String name, String address, int port, int operationalState, int adminState, int weight, int checkState) {

    private static final int STARTING = 1;
    private static final int RUNNING = 2;
    private static final int CHECKS_ENABLED = 0x4;
    /**
     * The admin flags that keep requests away: maintenance forced at runtime (0x01), inherited (0x02) or from DNS
     * resolution (0x20) — HAProxy's own {@code SRV_ADMF_MAINT} — and drain forced (0x08) or inherited (0x10). Not
     * 0x04, the {@code disabled} of haproxy.cfg (it stays set after {@code set server … state ready}, which clears the
     * runtime flags), nor 0x40 (an FQDN set through the socket).
     */
    private static final int MAINT = 0x01 | 0x02 | 0x20;

    private static final int MAINT_OR_DRAIN = MAINT | 0x08 | 0x10;

    /** Whether HAProxy health-checks it (then its UP state is the checks' verdict). */
    boolean checked() {
        return (checkState & CHECKS_ENABLED) != 0;
    }

    /** Whether it is neither in maintenance nor draining (its runtime admin state is {@code ready}). */
    boolean ready() {
        return (adminState & MAINT_OR_DRAIN) == 0;
    }

    /** Whether HAProxy sends it requests at its weight: up (running, or starting up) and neither in maint nor drain. */
    boolean serving() {
        return ready() && (operationalState == RUNNING || operationalState == STARTING);
    }

    /** Its weight as HAProxy applies it to new requests: 0 when it does not serve. */
    int effectiveWeight() {
        return serving() ? weight : 0;
    }

    /** Its admin state as {@code set server … state} takes it: {@code ready}, {@code maint} or {@code drain}. */
    String adminWord() {
        return ready() ? "ready" : (adminState & MAINT) != 0 ? "maint" : "drain";
    }

    /** The state in words, for messages. */
    String describe() {
        String operational = switch (operationalState) {
            case 0 -> "DOWN";
            case STARTING -> "starting";
            case RUNNING -> "UP";
            case 3 -> "stopping";
            default -> "op state " + operationalState;
        };
        String admin = adminWord();
        return operational + ", " + admin + ", weight " + weight + ", " + address + ":" + port;
    }

    /**
     * The servers of the answer to {@code show servers state}, by name.
     *
     * @throws IllegalArgumentException when the answer is not that table (HAProxy said something else)
     */
    static Map<String, ServerState> parse(String answer) {
        List<String> lines = answer.lines().filter(line -> !line.isBlank()).toList();
        if (lines.size() < 2
                || !lines.get(0).strip().equals("1")
                || !lines.get(1).startsWith("#")) {
            throw new IllegalArgumentException(answer.strip());
        }
        List<String> columns = Arrays.asList(lines.get(1).substring(1).strip().split("\\s+"));
        int name = column(columns, "srv_name", answer);
        int address = column(columns, "srv_addr", answer);
        int port = column(columns, "srv_port", answer);
        int operational = column(columns, "srv_op_state", answer);
        int admin = column(columns, "srv_admin_state", answer);
        int weight = column(columns, "srv_uweight", answer);
        int check = column(columns, "srv_check_state", answer);
        Map<String, ServerState> servers = new LinkedHashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] values = line.strip().split("\\s+");
            if (values.length < columns.size()) {
                throw new IllegalArgumentException(answer.strip());
            }
            servers.put(
                    values[name],
                    new ServerState(
                            values[name],
                            values[address],
                            number(values[port]),
                            number(values[operational]),
                            number(values[admin]),
                            number(values[weight]),
                            number(values[check])));
        }
        return servers;
    }

    private static int column(List<String> columns, String column, String answer) {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column " + column + " in: " + answer.strip());
        }
        return index;
    }

    private static int number(String value) {
        return value.equals("-") ? 0 : Integer.parseInt(value);
    }
}
