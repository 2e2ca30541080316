package io.relops.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository the packaging files describe: its modules, their version and what each service needs. */
final class Repository {

    static final Path ROOT = findRoot();

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern PROJECT_VERSION =
            Pattern.compile("<artifactId>relops-parent</artifactId>\\s*<version>([^<]+)</version>");
    private static final Pattern PORT_DEFAULT = Pattern.compile("\\$\\{[A-Z_]+_PORT:(\\d+)}");

    private Repository() {}

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("packaging/pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no relops checkout above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path file(String relative) {
        Path path = ROOT.resolve(relative);
        assertThat(path).as(relative).exists();
        return path;
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String projectVersion() {
        Matcher matcher = PROJECT_VERSION.matcher(read(file("pom.xml")));
        assertThat(matcher.find()).as("the root pom's version").isTrue();
        return matcher.group(1);
    }

    static List<String> modules() {
        Matcher matcher = MODULE.matcher(read(file("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (matcher.find()) {
            modules.add(matcher.group(1));
        }
        return modules;
    }

    /** The runnable services: the root pom's modules named {@code *-service}. */
    static List<Service> services() {
        List<Service> services = new ArrayList<>();
        for (String module : modules()) {
            if (module.endsWith("-service")) {
                services.add(Service.of(module));
            }
        }
        assertThat(services).as("services in the root pom").hasSizeGreaterThanOrEqualTo(6);
        return services;
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> loadYaml(Path path) {
        Object document = yaml().load(read(path));
        assertThat(document).as(path.toString()).isInstanceOf(Map.class);
        return (Map<String, Object>) document;
    }

    /**
     * A service module as its own {@code application.yml} describes it.
     *
     * @param module the module (and image, and compose service, and Deployment) name
     * @param port its default HTTP port
     * @param usesDatabase whether it has a datasource (the gateway has none)
     * @param usesCatalog whether it imports the application catalog ({@code RELOPS_CATALOG})
     */
    record Service(String module, int port, boolean usesDatabase, boolean usesCatalog) {

        static Service of(String module) {
            String config = read(file(module + "/src/main/resources/application.yml"));
            Matcher port = PORT_DEFAULT.matcher(config);
            assertThat(port.find()).as(module + " server.port default").isTrue();
            return new Service(
                    module,
                    Integer.parseInt(port.group(1)),
                    !config.contains("DataSourceAutoConfiguration"),
                    config.contains("${RELOPS_CATALOG"));
        }
    }
}
