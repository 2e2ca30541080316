package io.relops.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.relops.testkit.LibraryMetrics;
import io.relops.testkit.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Set<String> tested = alertNames(Repository.read(Repository.file("ops/prometheus/relops-rules.test.yml")));
        assertThat(tested).containsAll(alertNames(Repository.read(RULES)));
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
    void dashboardIsProvisionableAndShowsReleasesOutcomesDurationsDoraLagAndDeadLetters() {
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
