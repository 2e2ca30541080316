package io.relops.cli;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code relops silence}: Alertmanager-style silences in alert-service. */
@Command(
        name = "silence",
        mixinStandardHelpOptions = true,
        description = "Add, list and expire silences.",
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
final class SilenceCommand {

    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(.*)");

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("SILENCE", "id"),
            new Output.Column("STATE", row -> Output.text(row.path("status").path("state"))),
            new Output.Column("MATCHERS", SilenceCommand::matchers),
            new Output.Column("ENDS", row -> Output.time(row.path("endsAt"))),
            Output.Column.of("BY", "createdBy"),
            Output.Column.of("COMMENT", "comment"));

    private static String matchers(JsonNode silence) {
        List<String> text = new ArrayList<>();
        for (JsonNode m : silence.path("matchers")) {
            boolean regex = m.path("isRegex").asBoolean(false);
            boolean equal = m.path("isEqual").asBoolean(true);
            String op = equal ? (regex ? "=~" : "=") : (regex ? "!~" : "!=");
            text.add(m.path("name").asString() + op + m.path("value").asString());
        }
        return String.join(",", text);
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Silences the alerts that match every matcher, from now for --duration.")
    static final class Add extends GatewayCommand {

        @Parameters(
                paramLabel = "MATCHER",
                arity = "1..*",
                description = "label=value, label!=value, label=~regex or label!~regex.")
        List<String> matchers;

        @Option(
                names = "--duration",
                defaultValue = "PT1H",
                converter = DurationConverter.class,
                description = "How long (default: 1h), e.g. 30m, 2h.")
        Duration duration;

        @Option(names = "--comment", required = true, description = "Why.")
        String comment;

        @Option(
                names = "--created-by",
                description = "Sent for compatibility and ignored: relops records the token's name as the creator.")
        @Nullable
        String createdBy;

        @Override
        public Integer call() {
            List<Map<String, Object>> body = new ArrayList<>();
            for (String text : matchers) {
                Matcher m = MATCHER.matcher(text);
                if (!m.matches()) {
                    throw new ParameterException(
                            spec.commandLine(), "not a matcher: '" + text + "' (label=value, !=, =~ or !~)");
                }
                String op = m.group(2);
                Map<String, Object> matcher = new LinkedHashMap<>();
                matcher.put("name", m.group(1));
                matcher.put("value", m.group(3));
                matcher.put("isRegex", op.endsWith("~"));
                matcher.put("isEqual", !op.startsWith("!"));
                body.add(matcher);
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Map<String, Object> silence = new LinkedHashMap<>();
            silence.put("matchers", body);
            silence.put("startsAt", now.toString());
            silence.put("endsAt", now.plus(duration).toString());
            silence.put("createdBy", createdBy == null ? root().user() : createdBy);
            silence.put("comment", comment);
            JsonNode answer = gateway().post("/api/silences", silence).body();
            Output output = output();
            if (output.json()) {
                output.json(answer);
            } else {
                output.line(answer.path("silenceID").asString());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists silences.")
    static final class ListSilences extends GatewayCommand {

        @Option(names = "--state", description = "pending, active or expired.")
        @Nullable
        String state;

        @Override
        public Integer call() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("state", state);
            output().list(gateway().get("/api/silences", query), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = "Expires a silence now.")
    static final class Expire extends GatewayCommand {

        @Parameters(paramLabel = "SILENCE-ID")
        String silenceId;

        @Override
        public Integer call() {
            JsonNode silence = gateway().delete("/api/silences/" + silenceId);
            Output output = output();
            if (output.json()) {
                output.json(silence);
            } else {
                output.line("silence " + silenceId + " "
                        + Output.text(silence.path("status").path("state")));
            }
            return ExitCode.OK;
        }
    }
}
