package io.relops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code relops} command line. */
@Command(
        name = "relops",
        mixinStandardHelpOptions = true,
        version = "relops 0.1.0",
        description = "Event-driven release operations: deploy, verify, roll back, back up, alert, audit.",
        subcommands = {UpCommand.class, AuditCommand.class, TokenCommand.class})
public final class RelopsCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new RelopsCli()).execute(args));
    }
}
