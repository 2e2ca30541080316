package io.relops.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the gateway: its client, output and progress, from the root's options. */
abstract class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    RelopsCli root() {
        return (RelopsCli) spec.root().userObject();
    }

    GatewayClient gateway() {
        return root().client();
    }

    Output output() {
        return new Output(root().format(), out());
    }

    Progress progress() {
        return new Progress(err(), root().interactive());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
