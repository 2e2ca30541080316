package io.relops.local;

import picocli.CommandLine;

/**
 * The main class of {@code local/target/relops-local-exec.jar}: {@code relops up} (the {@code relops} script runs
 * this jar for {@code up} and everything else with the operator's CLI).
 */
public final class RelopsLocal {

    private RelopsLocal() {}

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new UpCommand(System.getenv()));
        System.exit(commandLine.execute(args));
    }
}
