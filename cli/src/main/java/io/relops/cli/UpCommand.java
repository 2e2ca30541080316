package io.relops.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code relops up} is the local suite, an executable of its own ({@code local/target/relops-local-exec.jar}) that
 * the {@code relops} script runs: this jar only says so, when it is run directly.
 */
@Command(
        name = "up",
        description = "Runs the local suite (the ./relops script starts local/target/relops-local-exec.jar for it;"
                + " ./relops up --help lists its options).")
final class UpCommand implements Callable<Integer> {

    /** Whatever was given (e.g. --demo): not looked at. */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println("relops: `up` is the local suite's launcher, not part of this jar: run ./relops up"
                        + " (or java -jar local/target/relops-local-exec.jar)");
        spec.commandLine().getErr().flush();
        return ExitCode.USAGE;
    }
}
