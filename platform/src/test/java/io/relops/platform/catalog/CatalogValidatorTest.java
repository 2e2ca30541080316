package io.relops.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The catalog check every service runs at start: each kind of problem, named by file, application and key. */
class CatalogValidatorTest {

    static final CatalogValidator VALIDATOR = new CatalogValidator();

    /** The repository's root: the tests run in platform/. */
    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path directory;

    /**
     * Placeholders resolve as in a service without those variables (to their defaults), but for the ports that
     * ZeroDowntimeIT gives its deploy-service (zero-downtime-catalog.yml) and SET_PORT.
     */
    static String resolve(String value) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "SET_PORT",
                                "9100",
                                "ZD_BLUE_PORT",
                                "9201",
                                "ZD_GREEN_PORT",
                                "9202",
                                "ZD_STABLE_PORT",
                                "9200")));
        return environment.resolvePlaceholders(value);
    }

    Path catalog(String yaml) throws IOException {
        Path file = directory.resolve("catalog.yml");
        Files.writeString(file, yaml);
        return file;
    }

    List<String> problems(String yaml) throws IOException {
        return VALIDATOR.problems(catalog(yaml), CatalogValidatorTest::resolve);
    }

    /** demo-app with a webhook target and {@code extra} (indented as keys of the application) added. */
    static String webhookApp(String webhook, String extra) {
        return """
                relops:
                  applications:
                    demo-app:
                      environments:
                        local:
                          approval:
                            required: false
                      target:
                        type: webhook
                        webhook:
                %s
                %s
                """.formatted(webhook.indent(10).stripTrailing(), extra.indent(6).stripTrailing());
    }

    @Test
    void everyCatalogInTheRepositoryIsValid() throws IOException {
        List<Path> catalogs;
        try (Stream<Path> files = Files.walk(REPOSITORY)) {
            catalogs = files.filter(
                            file -> !REPOSITORY.relativize(file).toString().contains("/target/"))
                    .filter(file -> !REPOSITORY.relativize(file).startsWith(".git"))
                    .filter(file -> file.getFileName().toString().matches(".*catalog.*\\.ya?ml"))
                    .sorted()
                    .toList();
        }
        assertThat(catalogs)
                .as("the catalogs of the repository")
                .contains(
                        REPOSITORY.resolve("config/catalog.yml"),
                        REPOSITORY.resolve("k8s/base/catalog.yml"),
                        REPOSITORY.resolve("deploy-service/src/test/resources/it-catalog.yml"),
                        REPOSITORY.resolve("healthcheck-service/src/test/resources/it-catalog.yml"));
        for (Path catalog : catalogs) {
            assertThat(VALIDATOR.problems(catalog, CatalogValidatorTest::resolve))
                    .as(catalog.toString())
                    .isEmpty();
        }
    }

    /** The catalog examples of the docs: each ```yaml block that starts with relops: and has applications. */
    @Test
    void everyCatalogExampleOfTheDocsIsValid() throws IOException {
        List<Path> pages;
        try (Stream<Path> files = Files.list(REPOSITORY.resolve("docs"))) {
            pages = Stream.concat(
                            files.filter(file -> file.toString().endsWith(".md")),
                            Stream.of(REPOSITORY.resolve("README.md")))
                    .sorted()
                    .toList();
        }
        int examples = 0;
        for (Path page : pages) {
            String text = Files.readString(page);
            java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```ya?ml\n(relops:\n(?:.*\n)*?)```")
                    .matcher(text);
            while (blocks.find()) {
                if (!blocks.group(1).contains("  applications:")) {
                    continue;
                }
                examples++;
                assertThat(problems(blocks.group(1)))
                        .as(page + ":\n" + blocks.group(1))
                        .isEmpty();
            }
        }
        assertThat(examples).as("catalog examples in the docs").isGreaterThanOrEqualTo(4);
    }

    @Test
    void aValidCatalogHasNoProblem() throws IOException {
        assertThat(problems(webhookApp("url: https://deployer.example.com/hooks\nsecret: s3cret\ndeadline: 15m", "")))
                .isEmpty();
    }

    @Test
    void namesAnUnknownKeyWithTheKeysKnownThere() throws IOException {
        Path file = catalog(webhookApp("url: https://x.example.com\nsecret: s", "stratgey: canary"));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .singleElement()
                .asString()
                .startsWith(
                        "catalog " + file + ": application 'demo-app': key 'stratgey': not a catalog key (known here:")
                .contains("strategy", "target", "health", "backup", "alerts");
    }

    @Test
    void namesAnUnknownKeyDeepInASection() throws IOException {
        assertThat(problems(webhookApp("url: https://x.example.com\nsecret: s\ndeadlin: 5m", "")))
                .singleElement()
                .asString()
                .contains("application 'demo-app': key 'target.webhook.deadlin': not a catalog key")
                .contains("deadline");
    }

    @Test
    void aWebhookTargetNeedsItsUrlAndSecret() throws IOException {
        assertThat(problems(webhookApp("deadline: 5m", "")))
                .containsExactlyInAnyOrder(
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'target.webhook.url': is required",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'target.webhook.secret': is required");
    }

    @Test
    void aTargetTypeNeedsItsSection() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            shop:
                              target:
                                type: kubernetes
                            billing:
                              target:
                                process:
                                  command: [java, -jar, billing.jar]
                                  slots: {blue: 9001, green: 9002}
                            ledger:
                              target:
                                webhook:
                                  url: https://x.example.com
                                  secret: s
                        """))
                .containsExactlyInAnyOrder(
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'shop': key 'target.kubernetes': is required (type: kubernetes)",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'billing': key 'target.process.stable-port': is required by the"
                                + " builtin router (the port of its stable URL); or set router.type nginx or haproxy",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'ledger': key 'target.process': is required (by default type: process)");
    }

    @Test
    void aProbeNeedsWhatItsTypeNeeds() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              health:
                                probes:
                                  - name: health
                                  - name: latency
                                    type: prometheus
                                    query: histogram_quantile(0.99, rate(http_seconds_bucket[1m]))
                                  - name: port
                                    type: tcp
                        """))
                .containsExactlyInAnyOrder(
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'health.probes[0].url': is required (by default type:"
                                + " http)",
                        // no prometheus-url: healthcheck-service's relops.health.prometheus-url is the default
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'health.probes[1].threshold': is required (type:"
                                + " prometheus)");
    }

    @Test
    void aBackupDriverNeedsItsSource() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            shop-db:
                              backup:
                                driver: postgres
                                postgres: {host: db.example.com}
                            files:
                              backup:
                                driver: filesystem
                        """))
                .containsExactlyInAnyOrder(
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'shop-db': key 'backup.postgres.database': is required",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'files': key 'backup.filesystem': is required (driver: filesystem)");
    }

    @Test
    void checksAnAlertRouteAndItsChildRoutes() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              alerts:
                                receiver: team-shop
                                group-by: [alertname]
                                continue: true
                                routes:
                                  - matchers: ['severity="critical"']
                                    escalate-to: on-call
                                    escalate-after: half an hour
                                    reciever: pager
                        """))
                .containsExactlyInAnyOrder(
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'alerts.routes[0].escalate-after': 'half an hour' is not"
                                + " a duration (e.g. 30s, 5m, PT1M)",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'alerts.routes[0].reciever': not a catalog key (known"
                                + " here: receiver, group-by, group-wait, group-interval, repeat-interval, matchers,"
                                + " continue, escalate-to, escalate-after, routes)");
    }

    @Test
    void namesAMalformedDuration() throws IOException {
        Path file = catalog(webhookApp("url: https://x.example.com\nsecret: s\ndeadline: 10 minutes", ""));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly(
                        "catalog " + file + ": application 'demo-app': key 'target.webhook.deadline': '10 minutes'"
                                + " is not a duration (e.g. 30s, 5m, PT1M)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10s", "5m", "PT1M", "250ms", "365d", "2h", "500", "P1DT2H", "PT0.5S", "-1s", "10S"})
    void acceptsWhatSpringTakesForADuration(String duration) throws IOException {
        assertThat(problems(webhookApp("url: https://x.example.com\nsecret: s\ndeadline: " + duration, "")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10 minutes", "5 m", "1.5s", "PT", "10sec", "soon", "P1M1"})
    void refusesWhatSpringDoesNotTakeForADuration(String duration) throws IOException {
        assertThat(problems(webhookApp("url: https://x.example.com\nsecret: s\ndeadline: \"" + duration + "\"", "")))
                .singleElement()
                .asString()
                .endsWith("key 'target.webhook.deadline': '" + duration + "' is not a duration (e.g. 30s, 5m, PT1M)");
    }

    @Test
    void resolvesPlaceholdersBeforeChecking() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              target:
                                process:
                                  command: ["{java}", "-jar", "app.jar"]
                                  slots:
                                    blue: ${SET_PORT}
                                    green: ${UNSET_PORT:9002}
                                  stable-port: ${UNSET_PORT:nine-thousand}
                        """))
                .singleElement()
                .asString()
                .endsWith(
                        "application 'demo-app': key 'target.process.stable-port': 'nine-thousand' is not a whole number");
    }

    @Test
    void namesAPlaceholderThatIsNotSet() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              blue-green:
                                drain: ${UNSET_DRAIN}
                        """))
                .singleElement()
                .asString()
                .endsWith("application 'demo-app': key 'blue-green.drain': '${UNSET_DRAIN}' has a placeholder that is"
                        + " not set");
    }

    @Test
    void namesAValueOfTheWrongKind() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              strategy: rolling
                              canary:
                                steps:
                                  - weight: 25
                                  - pause: 1m
                              health:
                                probes: {name: health}
                        """))
                .containsExactlyInAnyOrder(
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'strategy': 'rolling' is not one of blue-green, canary",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'canary.steps[1].weight': is required",
                        "catalog " + directory.resolve("catalog.yml")
                                + ": application 'demo-app': key 'health.probes': '{\"name\":\"health\"}' is a section,"
                                + " not a list");
    }

    @Test
    void anEnvironmentNamesItsUnknownKeysWithTheKeysKnownThere() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              environments:
                                prod:
                                  approval: {required: true, role: release-manager, expiry: 12h}
                                  strategy: canary
                                  stratgey: canary
                        """))
                .singleElement()
                .asString()
                .endsWith("application 'demo-app': key 'environments.prod.stratgey': not a catalog key (known here:"
                        + " approval, promotion, strategy, target, router, blue-green, canary, progress-deadlines,"
                        + " health, backup, alerts)");
    }

    /** demo-app with a complete process target and a probe, and {@code environments} (indented as its keys). */
    static String processApp(String environments) {
        return """
                relops:
                  applications:
                    demo-app:
                      target:
                        process:
                          command: [java, -jar, demo-app.jar]
                          slots: {blue: 9001, green: 9002}
                          stable-port: 9000
                      health:
                        allowed-hosts: [localhost]
                        probes:
                          - name: health
                            url: "{endpoint}/health"
                      environments:
                %s
                """.formatted(environments.indent(8).stripTrailing());
    }

    @Test
    void anEnvironmentOverridesPartOfASection() throws IOException {
        assertThat(problems(processApp("""
                        staging:
                          target:
                            process:
                              slots: {blue: 9101, green: 9102}
                              stable-port: 9100
                          health:
                            monitor: {interval: 5s}
                          backup:
                            filesystem: {path: /data/staging}
                        production:
                          approval: {required: true}
                          promotion: {from: staging, soak: 10m, not-rolled-back: true}
                          strategy: canary
                          canary:
                            steps: [{weight: 10}, {weight: 100}]
                          target:
                            type: process
                            process: {stable-port: 9200}
                          alerts: {receiver: pager}
                        """))).isEmpty();
    }

    @Test
    void checksWhatASectionRequiresOnEachEnvironmentsMergedSettings() throws IOException {
        Path file = catalog(processApp("""
                staging:
                  target:
                    type: webhook
                    webhook: {url: "https://deployer.example.com"}
                  health:
                    probes:
                      - name: ready
                  backup:
                    driver: filesystem
                production:
                  target:
                    type: process
                    process: {stable-port: 9200}
                  backup:
                    filesystem: {path: /data/production}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactlyInAnyOrder(
                        "catalog " + file + ": application 'demo-app', environment 'staging': key"
                                + " 'target.webhook.secret': is required",
                        "catalog " + file + ": application 'demo-app', environment 'staging': key"
                                + " 'health.probes[0].url': is required (by default type: http)",
                        "catalog " + file + ": application 'demo-app', environment 'staging': key 'backup.filesystem':"
                                + " is required (driver: filesystem)");
    }

    @Test
    void aRequirementTheApplicationLacksIsNamedOnceForTheApplication() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              target:
                                process:
                                  command: [java, -jar, demo-app.jar]
                                  slots: {blue: 9001}
                              environments:
                                staging:
                                  target:
                                    process: {slots: {blue: 9101}}
                                production:
                                  target:
                                    process: {stable-port: 9200}
                        """))
                .singleElement()
                .asString()
                .endsWith("application 'demo-app': key 'target.process.stable-port': is required by the builtin"
                        + " router (the port of its stable URL); or set router.type nginx or haproxy");
    }

    /** demo-app with a webhook target (environments share it) and {@code environments} (indented as its keys). */
    static String webhookEnvironments(String environments) {
        return """
                relops:
                  applications:
                    demo-app:
                      target:
                        type: webhook
                        webhook: {url: "https://deployer.example.com", secret: s}
                      environments:
                %s
                """.formatted(environments.indent(8).stripTrailing());
    }

    @Test
    void aKubernetesTargetTakesItsImageFromTheCatalogAWorkloadRefOrAPodTemplate() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            shop:
                              target:
                                type: kubernetes
                                kubernetes:
                                  workload-ref: {name: shop}
                                  container: app
                                  traffic: ingress-nginx
                            billing:
                              target:
                                type: kubernetes
                                kubernetes:
                                  pod-template: |
                                    spec:
                                      containers:
                                        - name: billing
                                          image: registry.example.com/billing
                        """)).isEmpty();
        assertThat(problems("""
                        relops:
                          applications:
                            shop:
                              target:
                                type: kubernetes
                                kubernetes: {namespace: shop}
                            billing:
                              target:
                                type: kubernetes
                                kubernetes:
                                  workload-ref: {name: billing, scale-down: on-success}
                                  pod-template: {spec: {containers: []}}
                        """))
                .anySatisfy(problem ->
                        assertThat(problem).contains("application 'shop': key 'target.kubernetes.image': is required"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("application 'billing': key 'target.kubernetes.workload-ref.scale-down': not a"
                                + " catalog key"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("application 'billing': key 'target.kubernetes.pod-template':")
                        .contains("is a section, not"));
    }

    @Test
    void environmentsDoNotDeployOntoEachOther() throws IOException {
        Path file = catalog(processApp("""
                local:
                staging:
                  target:
                    process:
                      slots: {blue: 9101, green: 9102}
                      stable-port: 9100
                production:
                  target:
                    process:
                      slots: {blue: 9201, green: 9102}
                      stable-port: 9000
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly(
                        "catalog " + file + ": application 'demo-app': environments 'staging' and 'production' share"
                                + " port 9102 (target.process); give each environment its own target.process.slots"
                                + " and stable-port",
                        "catalog " + file + ": application 'demo-app': environments 'local' and 'production' share"
                                + " port 9000 (target.process); give each environment its own target.process.slots"
                                + " and stable-port");
        assertThat(problems("""
                        relops:
                          applications:
                            shop:
                              target:
                                type: kubernetes
                                kubernetes: {image: registry.example.com/shop, namespace: shop}
                              environments:
                                staging:
                                  target:
                                    kubernetes: {name: shop-staging}
                                production:
                                  target:
                                    kubernetes: {replicas: 3}
                                qa:
                        """))
                .singleElement()
                .asString()
                .endsWith("application 'shop': environments 'production' and 'qa' share the kubernetes objects"
                        + " shop/shop (target.kubernetes); give each environment its own target.kubernetes.namespace"
                        + " or name");
    }

    @Test
    void anEnvironmentsPromotionNamesItsSourceAndHasADurationAsSoak() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              environments:
                                staging:
                                  approval: {required: false}
                                production:
                                  promotion: {from: staging, soak: 30m, not-rolled-back: false}
                        """)).isEmpty();
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              environments:
                                production:
                                  promotion: {soak: half an hour}
                        """))
                .hasSize(2)
                .anySatisfy(problem -> assertThat(problem).contains("key 'environments.production.promotion.from'"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("key 'environments.production.promotion.soak': 'half an hour' is not a duration"));
    }

    @Test
    void aPromotionIsFromAnotherEnvironmentOfTheApplication() throws IOException {
        Path file = catalog(webhookEnvironments("""
                staging:
                  promotion: {from: stagin}
                qa:
                  promotion: {from: qa}
                production:
                  promotion: {soak: 1h}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactlyInAnyOrder(
                        "catalog " + file + ": application 'demo-app': key 'environments.production.promotion.from':"
                                + " is required",
                        "catalog " + file + ": application 'demo-app': key 'environments.staging.promotion.from':"
                                + " 'stagin' is not an environment of demo-app (its environments: staging, qa,"
                                + " production)",
                        "catalog " + file + ": application 'demo-app': key 'environments.qa.promotion.from': 'qa' is"
                                + " this environment itself; promote from another one of [staging, qa, production]");
    }

    @Test
    void promotionsFormNoCycle() throws IOException {
        assertThat(problems(webhookEnvironments("""
                        dev:
                        staging:
                          promotion: {from: production}
                        production:
                          promotion: {from: canary}
                        canary:
                          promotion: {from: staging}
                        eu:
                          promotion: {from: production}
                        """)))
                .singleElement()
                .asString()
                .endsWith("application 'demo-app': key 'environments.staging.promotion.from': promotions form a cycle"
                        + " (staging from production from canary from staging)");
        assertThat(problems(webhookEnvironments("""
                        dev:
                        staging:
                          promotion: {from: dev}
                        production:
                          promotion: {from: staging}
                        eu:
                          promotion: {from: production}
                        """))).isEmpty();
    }

    /**
     * demo-app on the compose target (slots on 9311 and 9312) behind {@code router}, with {@code environments}
     * (each indented as the application's keys).
     */
    static String composeApp(String router, String environments) {
        return """
                relops:
                  applications:
                    demo-app:
                      target:
                        type: compose
                        compose:
                          file: deploy/compose.yml
                          slots: {blue: "http://127.0.0.1:9311", green: "http://127.0.0.1:9312"}
                %s
                      environments:
                %s
                """.formatted(
                        router.indent(6).stripTrailing(), environments.indent(8).stripTrailing());
    }

    @Test
    void aComposeTargetBehindNginxOrHaproxyIsValid() throws IOException {
        assertThat(problems(composeApp(
                        "router: {type: nginx, nginx: {include-file: /etc/nginx/relops/demo-app.conf}}", """
                        production:
                          router:
                            match: {header: X-Canary}
                        staging:
                          target:
                            compose:
                              service: "{application}-{environment}-{slot}"
                              slots: {blue: "http://127.0.0.1:9411", green: "http://127.0.0.1:9412"}
                          router:
                            type: haproxy
                            haproxy: {socket: /run/haproxy/admin.sock}
                        """)))
                .isEmpty();
    }

    @Test
    void aComposeTargetNeedsTheNginxOrHaproxyRouter() throws IOException {
        Path file = catalog(composeApp("", """
                production:
                  router: {type: nginx, nginx: {include-file: /etc/nginx/relops/demo-app.conf}}
                staging:
                  target:
                    compose:
                      slots: {blue: "http://127.0.0.1:9411", green: "http://127.0.0.1:9412"}
                      project: staging
                  router: {type: builtin}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly(
                        "catalog " + file + ": application 'demo-app': key 'router.type': not set: the compose target"
                                + " needs router.type nginx or haproxy (it has no routing of its own)",
                        "catalog " + file + ": application 'demo-app', environment 'staging': key 'router.type':"
                                + " 'builtin': the compose target needs router.type nginx or haproxy (it has no"
                                + " routing of its own)");
    }

    @Test
    void aTargetsOwnRoutingIsOnlyForThatTarget() throws IOException {
        Path file = catalog(processApp("""
                local:
                staging:
                  target:
                    type: webhook
                    webhook: {url: "https://deployer.example.com", secret: s}
                  router: {type: builtin}
                production:
                  target:
                    process: {slots: {blue: 9101, green: 9102}, stable-port: 9100}
                  router: {type: kubernetes}
                qa:
                  target:
                    type: kubernetes
                    kubernetes: {image: registry.example.com/demo-app}
                  router: {type: webhook}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly(
                        "catalog " + file + ": application 'demo-app', environment 'staging': key 'router.type':"
                                + " 'builtin' is the process target's own routing, not the webhook target's; use"
                                + " router.type nginx or haproxy, or leave it unset for the webhook target's own"
                                + " routing",
                        "catalog " + file + ": application 'demo-app', environment 'production': key 'router.type':"
                                + " 'kubernetes' is the kubernetes target's own routing, not the process target's;"
                                + " use router.type nginx or haproxy, or leave it unset for the process target's own"
                                + " routing",
                        "catalog " + file + ": application 'demo-app', environment 'qa': key 'router.type':"
                                + " 'webhook' is the webhook target's own routing, not the kubernetes target's; use"
                                + " router.type nginx or haproxy, or leave it unset for the kubernetes target's own"
                                + " routing");
        assertThat(problems(processApp("""
                        local:
                          router: {type: builtin}
                        production:
                          target:
                            process: {slots: {blue: 9101, green: 9102}, stable-port: 9100}
                          router: {type: nginx, nginx: {include-file: /etc/nginx/relops/demo-app.conf}}
                        """)))
                .as("builtin on the process target, nginx on any")
                .isEmpty();
    }

    @Test
    void onlyTheBuiltinRouterNeedsTheProcessTargetsStablePort() throws IOException {
        Path file = catalog("""
                relops:
                  applications:
                    demo-app:
                      target:
                        process:
                          command: [java, -jar, demo-app.jar]
                          slots: {blue: 9001, green: 9002}
                      router: {type: nginx, nginx: {include-file: /etc/nginx/relops/demo-app.conf}}
                      environments:
                        production:
                        local:
                          target:
                            process: {slots: {blue: 9101, green: 9102}}
                          router: {type: builtin}
                """);

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly("catalog " + file + ": application 'demo-app', environment 'local': key"
                        + " 'target.process.stable-port': is required by the builtin router (the port of its stable"
                        + " URL); or set router.type nginx or haproxy");
    }

    @Test
    void aProxyRouterNeedsItsSectionInEachEnvironment() throws IOException {
        Path file = catalog(webhookEnvironments("""
                production:
                  router: {type: nginx}
                staging:
                  router: {type: haproxy}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly(
                        "catalog " + file + ": application 'demo-app', environment 'production': key 'router.nginx':"
                                + " is required (type: nginx)",
                        "catalog " + file + ": application 'demo-app', environment 'staging': key 'router.haproxy':"
                                + " is required (type: haproxy)");
    }

    @Test
    void aHeaderMatchNeedsARouterThatCanRouteByHeader() throws IOException {
        Path file = catalog(processApp("""
                local:
                  router:
                    match: {header: X-Canary}
                staging:
                  target:
                    process: {slots: {blue: 9101, green: 9102}, stable-port: 9100}
                  router:
                    type: nginx
                    nginx: {include-file: /etc/nginx/relops/demo-app.conf}
                    match: {cookie: canary, value: "yes"}
                production:
                  target:
                    process: {slots: {blue: 9201, green: 9202}, stable-port: 9200}
                  router:
                    type: haproxy
                    haproxy: {socket: /run/haproxy/admin.sock}
                    match: {header: X-Canary}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly("catalog " + file + ": application 'demo-app', environment 'production': key"
                        + " 'router.match': the haproxy router sets its servers' weights through the Runtime API and"
                        + " cannot send matching requests to the canary: route them with an ACL in your HAProxy"
                        + " configuration (e.g. use-server on the header) and drop router.match, or use router.type"
                        + " nginx");
        assertThat(problems("""
                        relops:
                          applications:
                            ledger:
                              target:
                                type: webhook
                                webhook: {url: "https://deployer.example.com", secret: s}
                              router:
                                match: {header: X-Canary}
                        """))
                .singleElement()
                .asString()
                .endsWith("application 'ledger': key 'router.match': router 'webhook' cannot send matching requests"
                        + " to the canary; router.match works with router types nginx, kubernetes, builtin");
    }

    @Test
    void theKubernetesTargetRefusesWhatItsTrafficCannotRoute() throws IOException {
        Path file = catalog("""
                relops:
                  applications:
                    shop:
                      target:
                        type: kubernetes
                        kubernetes:
                          workload-ref: {name: shop-web}
                      environments:
                        production:
                          router:
                            match: {header: X-Canary}
                        staging:
                          target:
                            kubernetes: {name: shop-staging, traffic: ingress-nginx}
                          router:
                            match: {cookie: canary, value: "yes"}
                        qa:
                          target:
                            kubernetes: {name: shop-qa, traffic: ingress-nginx}
                          router:
                            match: {cookie: canary, value: always}
                        edge:
                          target:
                            kubernetes: {name: shop-edge, traffic: gateway-api}
                          router:
                            type: nginx
                            nginx: {include-file: /etc/nginx/relops/shop.conf}
                        preview:
                          target:
                            kubernetes:
                              name: shop-preview
                              pod-template: |
                                spec:
                                  containers:
                                    - name: shop
                                      image: registry.example.com/shop
                """);

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactlyInAnyOrder(
                        "catalog " + file + ": application 'shop', environment 'production': key 'router.match':"
                                + " traffic: service splits by the slots' replica ratio and cannot send matching"
                                + " requests to the canary; set target.kubernetes.traffic gateway-api or"
                                + " ingress-nginx, or drop router.match",
                        "catalog " + file + ": application 'shop', environment 'staging': key 'router.match.value':"
                                + " 'yes': ingress-nginx sends a request to the canary by cookie only when its value"
                                + " is 'always' (canary-by-cookie); set value: always, or match a header",
                        "catalog " + file + ": application 'shop', environment 'edge': key 'router.type': 'nginx'"
                                + " cannot route the kubernetes target: its slots' endpoints are cluster DNS names"
                                + " (<name>-<slot>.<namespace>.svc.cluster.local) that a proxy outside the cluster"
                                + " cannot reach; leave router.type unset (the kubernetes target's own routing,"
                                + " target.kubernetes.traffic)",
                        "catalog " + file + ": application 'shop', environment 'preview': key"
                                + " 'target.kubernetes.pod-template': the merged settings also have"
                                + " target.kubernetes.workload-ref; the slots' pod template comes from one of them,"
                                + " drop the other (an environment's override adds to the application's"
                                + " target.kubernetes)");
    }

    @Test
    void environmentsDoNotShareAComposeSlotsPortOrService() throws IOException {
        String nginx = "router: {type: nginx, nginx: {include-file: /etc/nginx/relops/demo-app.conf}}";
        Path file = catalog(composeApp(nginx, """
                production:
                staging:
                  target:
                    compose:
                      slots: {blue: "http://localhost:9411", green: "http://127.0.0.1:9312"}
                      service: "{application}-{environment}-{slot}"
                qa:
                  target:
                    compose:
                      slots: {blue: "http://127.0.0.1:9511", green: "http://127.0.0.1:9512"}
                """));

        assertThat(VALIDATOR.problems(file, CatalogValidatorTest::resolve))
                .containsExactly(
                        "catalog " + file + ": application 'demo-app': environments 'production' and 'staging' share"
                                + " port 9312 (target.compose); give each environment its own target.compose.slots"
                                + " (ports) and services ({environment} in target.compose.service, or its own"
                                + " target.compose.project)",
                        "catalog " + file + ": application 'demo-app': environments 'production' and 'qa' share the"
                                + " compose service demo-app-blue of deploy/compose.yml (target.compose); give each"
                                + " environment its own target.compose.slots (ports) and services ({environment} in"
                                + " target.compose.service, or its own target.compose.project)");
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              target:
                                process:
                                  command: [java, -jar, demo-app.jar]
                                  slots: {blue: 9311, green: 9002}
                                  stable-port: 9000
                              environments:
                                local:
                                production:
                                  target:
                                    type: compose
                                    compose:
                                      file: deploy/compose.yml
                                      slots: {blue: "http://127.0.0.1:9311/", green: "http://127.0.0.1:9312"}
                                  %s
                        """.formatted(nginx)))
                .as("a process slot's port and a compose slot's URL on this host")
                .singleElement()
                .asString()
                .endsWith("environments 'local' and 'production' share port 9311 (target.compose); give each"
                        + " environment its own target.compose.slots (ports) and services ({environment} in"
                        + " target.compose.service, or its own target.compose.project)");
    }

    @Test
    void environmentsDoNotShareARoutersIncludeFileOrBackend() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              router:
                                type: nginx
                                nginx: {include-file: /etc/nginx/relops/demo-app.conf}
                              target:
                                process:
                                  command: [java, -jar, demo-app.jar]
                                  slots: {blue: 9001, green: 9002}
                              environments:
                                local:
                                staging:
                                  target:
                                    process:
                                      slots: {blue: 9101, green: 9102}
                            shop:
                              router:
                                type: haproxy
                                haproxy: {socket: /run/haproxy/admin.sock}
                              target:
                                process:
                                  command: [java, -jar, shop.jar]
                                  slots: {blue: 9301, green: 9302}
                              environments:
                                staging:
                                  target:
                                    process:
                                      slots: {blue: 9401, green: 9402}
                                production:
                                  router:
                                    haproxy: {backend: shop-production}
                                  target:
                                    process:
                                      slots: {blue: 9501, green: 9502}
                                qa:
                                  target:
                                    process:
                                      slots: {blue: 9601, green: 9602}
                        """))
                .satisfiesExactlyInAnyOrder(
                        problem -> assertThat(problem)
                                .endsWith("application 'demo-app': environments 'local' and 'staging' share the nginx"
                                        + " include file /etc/nginx/relops/demo-app.conf (router.nginx); give each"
                                        + " environment its own router.nginx.include-file (and upstream)"),
                        problem -> assertThat(problem)
                                .endsWith("application 'shop': environments 'staging' and 'qa'"
                                        + " share the HAProxy backend shop at /run/haproxy/admin.sock (router.haproxy);"
                                        + " give each environment its own router.haproxy.backend"));
    }

    @Test
    void readsTheCatalogAsSpringDoes() throws IOException {
        assertThat(problems("""
                        relops:
                          applications:
                            demo-app:
                              blueGreen:
                                keepPrevious: 30s
                              progress-deadlines.deploy: 2m
                              target.type: webhook
                              target.webhook: {url: "https://x.example.com", secret: s}
                        other:
                          things: [that, are, not, the, catalog]
                        """)).isEmpty();
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = directory.resolve("my-catalog.yml");

        assertThatThrownBy(() -> VALIDATOR.check(file, CatalogValidatorTest::resolve))
                .isInstanceOf(InvalidCatalogException.class)
                .hasMessage("catalog " + file + ": no such file");
    }

    @Test
    void aFileThatIsNotYamlIsNamed() throws IOException {
        assertThat(problems("relops:\n  applications:\n    demo-app: [unclosed\n"))
                .singleElement()
                .asString()
                .startsWith("catalog " + directory.resolve("catalog.yml") + ": not YAML: ");
    }

    @Test
    void reportsEveryProblemAtOnce() throws IOException {
        Path file = catalog(webhookApp("deadline: soon", "stratgey: canary"));

        assertThatThrownBy(() -> VALIDATOR.check(file, CatalogValidatorTest::resolve))
                .isInstanceOf(InvalidCatalogException.class)
                .hasMessageStartingWith("4 problems in the catalog " + file + ":")
                .hasMessageContaining("key 'stratgey'")
                .hasMessageContaining("key 'target.webhook.url'")
                .hasMessageContaining("key 'target.webhook.secret'")
                .hasMessageContaining("key 'target.webhook.deadline': 'soon' is not a duration");
    }
}
