package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.local.LocalSuite;
import io.relops.local.SuiteOptions;
import io.relops.testkit.Kafka;
import io.relops.testkit.Ports;
import io.relops.testkit.Postgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web console in a real browser: Debian's headless chromium driven by its chromedriver, against
 * every service running as its own process (real Kafka, real PostgreSQL). An operator signs in with
 * a token and requests releases through the form, an approver approves them in a second session,
 * the operator watches them complete on the live list, rolls the second back and opens its
 * evidence. A screenshot of each step is kept under {@code target/browser-screenshots/}.
 */
class ConsoleBrowserIT {

    /** Debian's chromium and chromedriver (apt: chromium chromium-driver); .ci/run installs them. */
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(150);
    private static final Pattern RELEASE_URL = Pattern.compile("/console/releases/([0-9a-f-]{36})$");

    /**
     * demo-app's environment that needs approval, and one that takes versions from it (promotion, approval), added to
     * the catalog for this suite.
     */
    private static final String STAGING = "{\"relops\":{\"applications\":{\"demo-app\":{\"environments\":"
            + "{\"staging\":{\"approval\":{\"required\":true,\"role\":\"approver\"}},"
            + "\"production\":{\"approval\":{\"required\":true},\"promotion\":{\"from\":\"staging\"}}}}}}}";

    private static LocalSuite suite;
    private static Map<String, String> tokens;
    private static String console;
    private final List<WebDriver> browsers = new java.util.ArrayList<>();
    private int shot;

    @BeforeAll
    static void startSuite() throws IOException {
        assertThat(CHROMIUM)
                .as("chromium is required (apt-get install -y chromium chromium-driver; .ci/run does it)")
                .isExecutable();
        assertThat(CHROMEDRIVER)
                .as("chromedriver is required (apt-get install -y chromium chromium-driver; .ci/run does it)")
                .isExecutable();
        Path home = Path.of(System.getProperty("relops.home", ".."))
                .toAbsolutePath()
                .normalize();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> ports = new LinkedHashMap<>();
        SuiteOptions.DEFAULT_PORTS.keySet().forEach(service -> ports.put(service, freePort()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DEMO_APP_PORT", Integer.toString(freePort()));
        env.put("DEMO_APP_BLUE_PORT", Integer.toString(freePort()));
        env.put("DEMO_APP_GREEN_PORT", Integer.toString(freePort()));
        env.put("RELOPS_TOPICS_RELEASE", "relops.release." + run);
        env.put("RELOPS_TOPICS_HEALTH", "relops.health." + run);
        env.put("RELOPS_TOPICS_BACKUP", "relops.backup." + run);
        env.put("RELOPS_TOPICS_ALERT", "relops.alert." + run);
        env.put("SPRING_APPLICATION_JSON", STAGING);
        tokens = Map.of(
                "operator", "ui-operator-" + run,
                "approver", "ui-approver-" + run,
                "auditor", "ui-auditor-" + run,
                "admin", "ui-admin-" + run);
        Postgres.Server db = Postgres.server();
        SuiteOptions options = new SuiteOptions(
                home,
                Files.createTempDirectory("relops-console-it-"),
                home.resolve("config/catalog.yml"),
                Kafka.bootstrapServers(),
                0,
                Postgres.freshDatabase("relops_console_it"),
                db.username(),
                0,
                ports,
                tokens,
                env);
        suite = new LocalSuite(options, line -> System.out.println("[suite] " + line)).start();
        console = suite.url("gateway-service") + "/console";
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
    }

    @Test
    void releasesThroughTheConsoleWithAnApprovalWatchesItLiveRollsItBackAndShowsItsEvidence() throws IOException {
        WebDriver operator = signIn("operator");
        assertThat(text(operator)).contains("Releases").contains("local-operator");
        screenshot(operator, "releases-empty");

        WebDriver approver = signIn("approver");

        String first = releaseAndApprove(operator, approver, "1.0.0", false);
        // the operator watches the live list: the row turns COMPLETED without reloading the page
        operator.get(console + "/releases");
        await().atMost(RELEASE_TIMEOUT)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(badge(operator, first)).isEqualTo("COMPLETED"));
        screenshot(operator, "releases-live-completed");

        // one release per application and environment at a time: the next one after the first completed
        String second = releaseAndApprove(operator, approver, "1.1.0", true);
        operator.get(console + "/releases/" + second);
        await().atMost(RELEASE_TIMEOUT)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                operator.findElement(By.id("release-status")).getText())
                        .isEqualTo("COMPLETED"));
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(text(operator)).contains("release.completed"));
        screenshot(operator, "release-completed");
        // the page refreshes itself while the release's timeline grows: retry if the form was replaced
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            WebElement reason = operator.findElement(By.cssSelector("form[action$='/rollback'] input[name=text]"));
            reason.clear();
            reason.sendKeys("checkout errors after 1.1.0");
            reason.findElement(By.xpath("../button")).click();
        });
        shows(operator, "Sent: rollback (as local-operator)");
        await().atMost(RELEASE_TIMEOUT)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                operator.findElement(By.id("release-status")).getText())
                        .isEqualTo("ROLLED_BACK"));
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(text(operator)).contains("rollback.completed"));
        shows(operator, "Nothing your role can do on this release now.");
        screenshot(operator, "release-rolled-back");

        // its evidence: approval by the approver, the rollback as outcome, the verified hash chain. The audit log
        // and its evidence are for auditors and admins (docs/security.md): the operator is told so, an auditor sees it
        String evidencePage = operator.findElement(By.linkText("Evidence")).getAttribute("href");
        operator.findElement(By.linkText("Evidence")).click();
        shows(operator, "your role may not do this");
        WebDriver auditor = signIn("auditor");
        auditor.get(evidencePage);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            auditor.navigate().refresh();
            assertThat(text(auditor))
                    .contains("Evidence of release")
                    .contains("demo-app 1.1.0")
                    .contains("ROLLED_BACK")
                    .contains("Audit chain verified")
                    .contains("local-approver");
        });
        screenshot(auditor, "evidence");

        // the applications page: staging runs 1.0.0 again (1.1.0 rolled back), which production may take (approval
        // needed); the auditor sees it without the Promote button, the operator presses it and gets the release
        auditor.get(console + "/applications");
        WebElement production =
                auditor.findElement(By.cssSelector("[data-application='demo-app'] tr[data-environment='production']"));
        assertThat(production.findElement(By.cssSelector("[data-promotion]")).getText())
                .contains("from staging:", "1.0.0 may be promoted from staging; approval needed");
        assertThat(production.findElements(By.cssSelector("[data-promote]"))).isEmpty();
        operator.findElement(By.linkText("Applications")).click();
        WebElement stagingRow =
                operator.findElement(By.cssSelector("[data-application='demo-app'] tr[data-environment='staging']"));
        assertThat(stagingRow.findElement(By.cssSelector("[data-live]")).getText())
                .isEqualTo("1.0.0");
        assertThat(stagingRow.findElement(By.cssSelector("[data-last-status]")).getText())
                .isEqualTo("ROLLED_BACK");
        screenshot(operator, "applications");
        operator.findElement(By.cssSelector(
                        "[data-application='demo-app'] tr[data-environment='production'] button[data-promote]"))
                .click();
        shows(operator, "requested: demo-app 1.0.0 to production");
        await().atMost(RELEASE_TIMEOUT)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                operator.findElement(By.id("release-status")).getText())
                        .isEqualTo("AWAITING_APPROVAL"));
        screenshot(operator, "promoted-awaiting-approval");

        // the other pages, as the roles that may see them
        operator.get(console + "/outcomes");
        assertThat(text(operator)).contains("Release outcomes and durations");
        assertThat(operator.findElements(By.cssSelector("svg.chart rect.bar"))).hasSizeGreaterThanOrEqualTo(2);
        screenshot(operator, "outcomes");

        // the DORA keys of demo-app/staging (where this test released): the completed releases deployed, the
        // rolled-back one a failed change
        operator.findElement(By.linkText("DORA")).click();
        screenshot(operator, "dora");
        WebElement dora =
                operator.findElement(By.cssSelector("tr[data-application='demo-app'][data-environment='staging']"));
        List<String> cells = dora.findElements(By.tagName("td")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(cells).hasSize(6);
        assertThat(cells.get(2)).as("deployments").matches("[1-9][0-9]* \\([0-9.]+/day\\)");
        assertThat(cells.get(3)).as("lead time").matches("[0-9.]+ (s|min)");
        assertThat(cells.get(4)).as("change failure rate").matches("[1-9][0-9]* % \\([1-9][0-9]* of [1-9][0-9]*\\)");
        assertThat(cells.get(5)).as("time to restore").matches("[0-9.]+ (s|min)");

        operator.get(console + "/backups");
        assertThat(text(operator)).contains("Backups").contains("pre-deploy");
        screenshot(operator, "backups");

        operator.get(console + "/alerts");
        operator.findElement(By.name("value")).sendKeys("demo-app");
        operator.findElement(By.name("comment")).sendKeys("maintenance window");
        operator.findElement(By.xpath("//button[normalize-space()='Add silence']"))
                .click();
        shows(operator, "Silence", "added", "maintenance window");
        screenshot(operator, "alerts-and-silences");

        operator.get(console + "/audit");
        assertThat(text(operator)).contains("Not allowed");

        auditor.get(console + "/audit?releaseId=" + second);
        assertThat(text(auditor)).contains("Audit log").contains("rollback.requested");
        auditor.findElement(By.xpath("//button[normalize-space()='Verify the whole log']"))
                .click();
        shows(auditor, "The log is intact");
        screenshot(auditor, "audit-verified");

        auditor.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
        shows(auditor, "You are signed out.");
    }

    /**
     * The operator requests {@code version} to staging through the form; it waits for approval, which
     * the operator may not give (four-eyes); the approver approves it from their own session.
     */
    private String releaseAndApprove(WebDriver operator, WebDriver approver, String version, boolean screenshots)
            throws IOException {
        operator.get(console + "/releases");
        operator.findElement(By.linkText("New release")).click();
        operator.findElement(By.cssSelector("#environment option[value='staging']"))
                .click();
        operator.findElement(By.id("version")).sendKeys(version);
        if (screenshots) {
            screenshot(operator, "new-release-form");
        }
        operator.findElement(By.xpath("//button[normalize-space()='Request release']"))
                .click();
        try {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> RELEASE_URL.matcher(operator.getCurrentUrl()).find());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            screenshot(operator, "release-not-requested");
            throw new AssertionError(
                    "the release page did not open; the form shows: "
                            + operator.findElement(By.tagName("main")).getText(),
                    e);
        }
        Matcher url = RELEASE_URL.matcher(operator.getCurrentUrl());
        assertThat(url.find()).as(operator.getCurrentUrl()).isTrue();
        String id = url.group(1);
        shows(operator, "Release " + id + " requested");
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                operator.findElement(By.id("release-status")).getText())
                        .isEqualTo("AWAITING_APPROVAL"));
        assertThat(operator.findElements(By.xpath("//button[normalize-space()='Approve']")))
                .as("the requester may not approve")
                .isEmpty();
        if (screenshots) {
            screenshot(operator, "release-awaiting-approval");
        }

        approver.get(console + "/releases/" + id);
        assertThat(approver.findElements(By.xpath("//button[normalize-space()='Roll back']")))
                .as("an approver may not roll back")
                .isEmpty();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            WebElement comment = approver.findElement(By.cssSelector("form[action$='/approve'] input[name=text]"));
            comment.clear();
            comment.sendKeys("looks good");
            comment.findElement(By.xpath("../button")).click();
        });
        shows(approver, "Sent: approve (as local-approver)");
        if (screenshots) {
            screenshot(approver, "approved-by-approver");
        }
        return id;
    }

    private WebDriver signIn(String role) throws IOException {
        WebDriver browser = browser();
        browser.get(console + "/releases");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        assertThat(text(browser)).contains("Sign in with your API token");
        if (role.equals("operator")) {
            browser.findElement(By.id("token")).sendKeys("not-a-token");
            browser.findElement(By.xpath("//button[normalize-space()='Sign in']"))
                    .click();
            shows(browser, "That token was not accepted.");
            screenshot(browser, "login-refused");
        }
        browser.findElement(By.id("token")).sendKeys(tokens.get(role));
        browser.findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
        shows(browser, "local-" + role);
        return browser;
    }

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1366,768",
                "--lang=en-US");
        // the driver's path is given, so Selenium Manager never looks for (or downloads) one
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
        browsers.add(driver);
        return driver;
    }

    private static String badge(WebDriver browser, String releaseId) {
        try {
            return browser.findElement(By.cssSelector("tr[data-release='" + releaseId + "'] .badge"))
                    .getText();
        } catch (NoSuchElementException | StaleElementReferenceException e) {
            return "";
        }
    }

    /** The page shows every one of {@code texts}, once the navigation a click started has finished. */
    private static void shows(WebDriver browser, String... texts) {
        await().atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(text(browser)).contains(texts));
    }

    private static String text(WebDriver browser) {
        return browser.findElement(By.tagName("body")).getText();
    }

    private void screenshot(WebDriver browser, String name) throws IOException {
        File png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(
                png.toPath(),
                SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shot, name)),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static int freePort() {
        return Ports.free();
    }
}
