package io.relops.gateway.console;

import java.util.TreeSet;

/** Who is signed in, as the page templates see it. */
public record Viewer(String name, String roles, boolean operator, boolean auditor) {

    static Viewer of(ConsoleUser user) {
        return new Viewer(
                user.getName(), String.join(", ", new TreeSet<>(user.roles())), user.isOperator(), user.isAuditor());
    }
}
