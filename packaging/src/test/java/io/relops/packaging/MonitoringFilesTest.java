package io.relops.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.testkit.LibraryMetrics;
import io.relops.testkit.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Prometheus rules and the Grafana dashboard: valid, exercised, and about metrics that exist. */
class MonitoringFilesTest {

    private static final Path RULES = Repository.file("ops/prometheus/relops-rules.yml");
    private static final Path DASHBOARD = Repository.file("ops/grafana/dashboards/relops.json");
    private static final Pattern RELOPS_METRIC = Pattern.compile("\\brelops_[a-z_]+");
    private static final Pattern SUFFIX = Pattern.compile("(_seconds)?(_total|_count|_sum|_max|_bucket)?$|_seconds$");

    /**
     * Metrics the rules use that another module is to register; each entry says which. Once the metric exists this
     * test fails, so that the entry goes.
     */
    private static final Map<String, String> PENDING = Map.of();

    @Test
    void rulesPassPromtoolCheckRules() {
        assumeTrue(promtoolPresent(), Promtool.ABSENT);
        Promtool.Result check = Promtool.run(null, "check", "rules", RULES.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertFiresOnItsScriptedSeries() {
        assumeTrue(promtoolPresent(), Promtool.ABSENT);
        Promtool.Result test = Promtool.run(
                null,
                "test",
                "rules",
                Repository.file("ops/prometheus/relops-rules.test.yml").toString());
        assertThat(test.exitCode()).as(test.output()).isZero();
        Map<String, List<Boolean>> cases = alertRuleTests();
        for (String alert : alertNames(Repository.read(RULES))) {
            assertThat(cases.getOrDefault(alert, List.of()))
                    .as("an alert_rule_test of %s whose exp_alerts is not empty (it fires)", alert)
                    .contains(true);
            assertThat(cases.getOrDefault(alert, List.of()))
                    .as("an alert_rule_test of %s whose exp_alerts is empty (it stays quiet)", alert)
                    .contains(false);
        }
    }

    /** Per alert name, whether each alert_rule_test of relops-rules.test.yml expects it to fire. */
    private static Map<String, List<Boolean>> alertRuleTests() {
        Map<String, List<Boolean>> cases = new TreeMap<>();
        for (Object test : (List<?>) Repository.loadYaml(Repository.file("ops/prometheus/relops-rules.test.yml"))
                .get("tests")) {
            for (Object rule : (List<?>) map(test).getOrDefault("alert_rule_test", List.of())) {
                Map<String, Object> ruleTest = map(rule);
                Object expected = ruleTest.get("exp_alerts");
                cases.computeIfAbsent((String) ruleTest.get("alertname"), name -> new ArrayList<>())
                        .add(expected instanceof List<?> alerts && !alerts.isEmpty());
            }
        }
        return cases;
    }

    /**
     * One cluster Prometheus scrapes both Kubernetes installs and drops the alerts of the local one by their label
     * {@code namespace} (k8s/monitoring/prometheus.yml): an aggregation that loses the label would merge the two
     * installs' series and give an alert no install. Every {@code by} and {@code on} keeps it.
     */
    @Test
    void everyAggregationAndMatchOfTheRulesKeepsTheNamespace() {
        Pattern clause = Pattern.compile("\\b(by|on)\\s*\\(([^)]*)\\)");
        int clauses = 0;
        for (Map<String, Object> rule : rules()) {
            Matcher matcher = clause.matcher(String.valueOf(rule.get("expr")));
            while (matcher.find()) {
                clauses++;
                assertThat(List.of(matcher.group(2).split("\\s*,\\s*")))
                        .as("%s in %s", matcher.group(), rule.getOrDefault("alert", rule.get("record")))
                        .contains("namespace");
            }
        }
        assertThat(clauses).isGreaterThan(20);
    }

    @Test
    void theComposePrometheusConfigurationPassesPromtoolCheckConfig() {
        assumeTrue(promtoolPresent(), Promtool.ABSENT);
        Promtool.Result check = checkConfig("ops/prometheus/prometheus.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void theClustersPrometheusConfigurationPassesPromtoolCheckConfig() {
        assumeTrue(promtoolPresent(), Promtool.ABSENT);
        Promtool.Result check = checkConfig("k8s/monitoring/prometheus.yml");
        // it discovers pods and alert-service's endpoints through Kubernetes, which Debian's build leaves out
        boolean withoutKubernetesDiscovery = check.output().contains("field kubernetes_sd_configs not found");
        String skipped = "this promtool has no Kubernetes service discovery (Debian's build):"
                + " k8s/monitoring/prometheus.yml is NOT checked by promtool (KustomizeTest checks its content)";
        if (withoutKubernetesDiscovery) {
            System.err.println("WARNING " + skipped);
        }
        assumeTrue(!withoutKubernetesDiscovery, skipped);
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    /**
     * {@code promtool check config --syntax-only}: the rule and token files a configuration names are mounted where
     * Prometheus runs, not in the checkout.
     */
    private static Promtool.Result checkConfig(String file) {
        return Promtool.run(
                null, "check", "config", "--syntax-only", Repository.file(file).toString());
    }

    @Test
    void rulesCoverWhatTheIssueAsksFor() {
        assertThat(alertNames(Repository.read(RULES)))
                .contains(
                        "RelopsServiceDown",
                        "RelopsDeadLetters",
                        "RelopsConsumerLagGrowing",
                        "RelopsRollbackRateHigh",
                        "RelopsAuditVerificationFailing",
                        "RelopsReleaseSlow",
                        "RelopsRollbackSlow",
                        "RelopsReleaseInFlightTooLong",
                        "RelopsBackupOlderThanRpo",
                        "RelopsApiLatencyHigh",
                        "RelopsApiErrorRatioHigh",
                        "RelopsApiErrorBudgetBurnFast",
                        "RelopsApiErrorBudgetBurnSlow",
                        "RelopsAuditIndexLagGrowing",
                        "RelopsOutboxBacklogGrowing");
    }

    @Test
    void everyAlertHasASeverityASummaryADescriptionAndARunbookSectionThatExists() {
        Set<String> anchors = headingAnchors(Repository.read(Repository.file("docs/observability.md")));
        List<Map<String, Object>> alerts =
                rules().stream().filter(rule -> rule.containsKey("alert")).toList();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(17);
        for (Map<String, Object> alert : alerts) {
            String name = (String) alert.get("alert");
            assertThat(map(alert.get("labels")).get("severity"))
                    .as(name + " severity")
                    .isIn("critical", "warning");
            Map<String, Object> annotations = map(alert.get("annotations"));
            assertThat(annotations).as(name).containsKeys("summary", "description", "runbook_url");
            String runbook = (String) annotations.get("runbook_url");
            assertThat(runbook).as(name).startsWith("docs/observability.md#");
            assertThat(anchors)
                    .as("%s's runbook %s: a heading of docs/observability.md", name, runbook)
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    @Test
    void everyRecordingRuleIsExercisedByTheUnitTests() {
        String tests = Repository.read(Repository.file("ops/prometheus/relops-rules.test.yml"));
        List<String> recorded = recordedNames();
        assertThat(recorded).isNotEmpty();
        assertThat(recorded)
                .allSatisfy(name -> assertThat(tests)
                        .as("a promql_expr_test of %s", name)
                        .containsPattern("(?m)^ *- expr: .*" + Pattern.quote(name) + "\\b"));
    }

    @Test
    void dashboardPanelIdsAreUniqueAndEveryExpressionParsesAndUsesExportedOrRecordedMetrics() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Repository.read(DASHBOARD));
        List<Integer> ids = dashboard
                .path("panels")
                .valueStream()
                .map(panel -> panel.path("id").asInt())
                .toList();
        assertThat(ids).doesNotHaveDuplicates().doesNotContain(0);
        List<String> expressions = dashboard
                .path("panels")
                .valueStream()
                .flatMap(panel -> panel.path("targets").valueStream())
                .map(target -> target.path("expr").asString())
                .map(MonitoringFilesTest::withGrafanaVariables)
                .toList();
        assertThat(expressions).hasSizeGreaterThan(40);

        Set<String> known = new TreeSet<>(LibraryMetrics.NAMES);
        known.addAll(recordedNames());
        known.add("up"); // Prometheus' own
        List<String> everyExpression = new java.util.ArrayList<>(expressions);
        rules().forEach(rule -> everyExpression.add(String.valueOf(rule.get("expr"))));
        for (String expression : everyExpression) {
            for (String metric : metricNames(expression)) {
                if (!metric.startsWith(
                        "relops_")) { // relops meters: rulesAndDashboardUseOnlyMetricsTheServicesRegister
                    assertThat(known).as("metric %s in %s", metric, expression).contains(metric);
                }
            }
        }

        assumeTrue(promtoolPresent(), Promtool.ABSENT);
        // promtool parses each expression as a recording rule: a syntax error fails `check rules`
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            rules.append("      - record: dashboard_expression_")
                    .append(i)
                    .append("\n        expr: '")
                    .append(expressions.get(i).replace("'", "''"))
                    .append("'\n");
        }
        Path file = Files.createTempFile("relops-dashboard-", ".rules.yml");
        try {
            Files.writeString(file, rules);
            Promtool.Result check = Promtool.run(null, "check", "rules", file.toString());
            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(check.output()).contains("SUCCESS: " + expressions.size() + " rules found");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void rulesAndDashboardUseOnlyMetricsTheServicesRegister() throws IOException {
        Set<String> registered = new TreeSet<>();
        Matcher literal = Pattern.compile("\"(relops\\.[a-z.]+)\"").matcher(mainSources());
        while (literal.find()) {
            registered.add(literal.group(1));
        }
        Set<String> used = new TreeSet<>();
        used.addAll(relopsMetrics(Repository.read(RULES)));
        used.addAll(relopsMetrics(Repository.read(DASHBOARD)));
        assertThat(used).contains("relops.release.outcomes", "relops.dora.lead.time", "relops.events.dead.lettered");
        for (String meter : used) {
            if (PENDING.containsKey(meter)) {
                assertThat(registered)
                        .as("%s is registered now: remove it from PENDING", meter)
                        .doesNotContain(meter);
            } else {
                assertThat(registered).as("meter names in */src/main/java").contains(meter);
            }
        }
    }

    @Test
    void dashboardIsProvisionableAndShowsReleasesDoraLagDeadLettersSlosHttpLatencyJvmAndHikari() {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Repository.read(DASHBOARD));
        assertThat(dashboard.path("uid").asString()).isEqualTo("relops-overview");
        List<String> titles = dashboard
                .path("panels")
                .valueStream()
                .map(panel -> panel.path("title").asString())
                .toList();
        assertThat(titles)
                .contains(
                        "Releases by outcome",
                        "Release duration (mean, request to completion)",
                        "Deployment frequency",
                        "Lead time for changes",
                        "Change failure rate",
                        "Time to restore",
                        "Consumer lag by group and topic",
                        "Dead-lettered records");
        // the service level objectives, HTTP latency, JVM and connection-pool panels, each on the metrics it is about
        Map<String, List<String>> panels = Map.ofEntries(
                Map.entry(
                        "Release duration vs the 10 min target",
                        List.of("relops_release_duration_seconds_max", "relops_release_duration_seconds_bucket")),
                Map.entry(
                        "Rollback duration vs the 5 min target",
                        List.of(
                                "relops_release_rollback_duration_seconds_max",
                                "relops_release_rollback_duration_seconds_bucket")),
                Map.entry(
                        "Releases within 10 min, in the range",
                        List.of("relops_release_duration_seconds_bucket", "relops_release_duration_seconds_count")),
                Map.entry(
                        "Oldest release in progress vs the 10 min target",
                        List.of("relops_release_in_flight_oldest_age_seconds")),
                Map.entry(
                        "Newest verified backup age vs RPO",
                        List.of("relops_backup_newest_verified_age_seconds", "relops_backup_rpo_seconds")),
                Map.entry(
                        "API error ratio vs 0.1 %",
                        List.of(
                                "service:http_server_requests_errors:ratio_rate5m",
                                "service:http_server_requests_errors:ratio_rate1h")),
                Map.entry(
                        "Error budget burn rate (99.9 %)",
                        List.of(
                                "service:http_server_requests_errors:ratio_rate1h",
                                "service:http_server_requests_errors:ratio_rate6h",
                                "service:http_server_requests_errors:ratio_rate3d")),
                Map.entry("Error budget left (30 days)", List.of("http_server_requests_seconds_count")),
                Map.entry("Outbox backlog", List.of("relops_outbox_backlog")),
                Map.entry("Audit search index lag", List.of("relops_audit_index_lag")),
                Map.entry("HTTP latency percentiles (P50, P95, P99)", List.of("http_server_requests_seconds_bucket")),
                Map.entry(
                        "Requests slower than 500 ms",
                        List.of("http_server_requests_seconds_bucket", "http_server_requests_seconds_count")),
                Map.entry("Heap used", List.of("jvm_memory_used_bytes", "jvm_memory_committed_bytes")),
                Map.entry(
                        "GC pause",
                        List.of("jvm_gc_pause_seconds_sum", "jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_max")),
                Map.entry("Threads", List.of("jvm_threads_live_threads")),
                Map.entry(
                        "Connections active and pending",
                        List.of("hikaricp_connections_active", "hikaricp_connections_pending")),
                Map.entry(
                        "Connection acquire time",
                        List.of(
                                "hikaricp_connections_acquire_seconds_sum",
                                "hikaricp_connections_acquire_seconds_count",
                                "hikaricp_connections_acquire_seconds_max")));
        // what exists: the library metrics a real scrape shows (PrometheusScrapeIT), the recording rules, and the
        // relops meters registered in the services' sources (rulesAndDashboardUseOnlyMetricsTheServicesRegister)
        Set<String> exist = new TreeSet<>(LibraryMetrics.NAMES);
        exist.addAll(recordedNames());
        panels.forEach((title, metrics) -> {
            List<String> expressions = dashboard
                    .path("panels")
                    .valueStream()
                    .filter(panel -> title.equals(panel.path("title").asString()))
                    .flatMap(panel -> panel.path("targets").valueStream())
                    .map(target -> withGrafanaVariables(target.path("expr").asString()))
                    .toList();
            assertThat(expressions).as("the queries of the panel %s", title).isNotEmpty();
            Set<String> selected = new TreeSet<>();
            expressions.forEach(expression -> selected.addAll(metricNames(expression)));
            assertThat(selected).as("the metrics of the panel %s", title).containsAll(metrics);
            for (String metric : selected) {
                if (!metric.startsWith("relops_")) {
                    assertThat(exist).as("%s of the panel %s", metric, title).contains(metric);
                }
            }
        });
        assertThat(String.join(
                        "\n",
                        dashboard
                                .path("panels")
                                .valueStream()
                                .filter(panel -> panel.path("title").asString().startsWith("HTTP latency percentiles"))
                                .flatMap(panel -> panel.path("targets").valueStream())
                                .map(target -> target.path("expr").asString())
                                .toList()))
                .as("P50, P95 and P99 from the histogram")
                .contains("histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,");
        dashboard
                .path("panels")
                .valueStream()
                .filter(panel -> !"row".equals(panel.path("type").asString()))
                .forEach(panel -> {
                    assertThat(panel.path("datasource").path("uid").asString())
                            .as(panel.path("title").asString())
                            .isEqualTo("relops-prometheus");
                    assertThat(panel.path("targets")
                                    .valueStream()
                                    .map(t -> t.path("expr").asString()))
                            .as(panel.path("title").asString())
                            .isNotEmpty()
                            .allMatch(expr -> !expr.isBlank());
                });
        assertThat(Repository.file("ops/grafana/provisioning/datasources/prometheus.yml"))
                .content()
                .contains("uid: relops-prometheus");
    }

    private static List<Map<String, Object>> rules() {
        List<Map<String, Object>> rules = new java.util.ArrayList<>();
        for (Object group : (List<?>) Repository.loadYaml(RULES).get("groups")) {
            for (Object rule : (List<?>) map(group).get("rules")) {
                rules.add(map(rule));
            }
        }
        return rules;
    }

    private static List<String> recordedNames() {
        return rules().stream()
                .filter(rule -> rule.containsKey("record"))
                .map(rule -> (String) rule.get("record"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    /** The anchors GitHub (and most Markdown renderers) give the headings: lower case, punctuation dropped. */
    private static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^#{1,6} (.+)$").matcher(markdown);
        while (heading.find()) {
            anchors.add(heading.group(1)
                    .trim()
                    .toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9 _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }

    /** What Grafana puts in for its variables, so that Prometheus can parse the expression. */
    private static String withGrafanaVariables(String expression) {
        return expression
                .replace("$__rate_interval", "5m")
                .replace("$__range", "1d")
                .replace("$application", ".*")
                .replace("$environment", ".*");
    }

    /**
     * The metric names an expression selects: identifiers outside strings, label matchers, ranges and label lists
     * ({@code by}, {@code on}, ...) that are neither functions, keywords nor numbers.
     */
    static Set<String> metricNames(String expression) {
        String bare = expression
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier =
                Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(bare);
        while (identifier.find()) {
            String name = identifier.group(1);
            if (identifier.group(2) == null && !PROMQL_KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static final Set<String> PROMQL_KEYWORDS =
            Set.of("and", "or", "unless", "bool", "offset", "inf", "Inf", "nan", "NaN", "e");

    private static boolean promtoolPresent() {
        if (Promtool.find() == null) {
            System.err.println("WARNING " + Promtool.ABSENT);
            return false;
        }
        return true;
    }

    private static Set<String> alertNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = Pattern.compile("alert(?:name)?: (Relops\\w+)").matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static Set<String> relopsMetrics(String text) {
        Set<String> meters = new TreeSet<>();
        Matcher matcher = RELOPS_METRIC.matcher(text);
        while (matcher.find()) {
            meters.add(SUFFIX.matcher(matcher.group()).replaceFirst("").replace('_', '.'));
        }
        return meters;
    }

    private static String mainSources() throws IOException {
        StringBuilder sources = new StringBuilder();
        for (Repository.Service service : Repository.services()) {
            append(sources, Repository.ROOT.resolve(service.module() + "/src/main/java"));
        }
        append(sources, Repository.ROOT.resolve("platform/src/main/java"));
        return sources.toString();
    }

    private static void append(StringBuilder sources, Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.append(Files.readString(file)).append('\n');
            }
        }
    }
}
