package io.relops.platform.security;

import java.util.List;

/**
 * The roles relops knows. People: operator, approver, auditor, admin. Machines: metrics (scrapes
 * {@code /actuator/prometheus}), timeline (the gateway reading a release's timeline from
 * audit-service) and ingest (Alertmanager and other producers: may post alerts and CloudEvents, nothing
 * else). Granted authorities are {@code ROLE_<NAME>}.
 */
public final class Roles {

    public static final String OPERATOR = "OPERATOR";
    public static final String APPROVER = "APPROVER";
    public static final String AUDITOR = "AUDITOR";
    public static final String ADMIN = "ADMIN";
    public static final String METRICS = "METRICS";
    public static final String TIMELINE = "TIMELINE";
    public static final String INGEST = "INGEST";

    /** Every role, people first. */
    public static final List<String> ALL = List.of(OPERATOR, APPROVER, AUDITOR, ADMIN, METRICS, TIMELINE, INGEST);

    /** The four roles of people. */
    public static final List<String> PEOPLE = List.of(OPERATOR, APPROVER, AUDITOR, ADMIN);

    private Roles() {}
}
