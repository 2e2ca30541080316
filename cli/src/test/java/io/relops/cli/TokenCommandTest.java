package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

    final StringWriter out = new StringWriter();

    int relops(String... args) {
        PrintWriter writer = new PrintWriter(out, true);
        return RelopsCli.run(java.util.Map.of(), writer, writer, false, args);
    }

    @Test
    void hashesATokenAsTheServicesDo() {
        assertThat(relops("token", "hash", "abc")).isZero();
        // SHA-256("abc"), FIPS 180-2 test vector
        assertThat(out.toString().strip())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void printsANewTokenWithTheConfigurationThatHoldsOnlyItsHash() {
        assertThat(relops("token", "new", "--name", "alice", "--role", "operator"))
                .isZero();
        String printed = out.toString();
        String token = printed.lines()
                .filter(l -> l.startsWith("token:"))
                .findFirst()
                .orElseThrow()
                .substring("token:".length())
                .strip();
        assertThat(token).startsWith("operator-").hasSize("operator-".length() + 48);
        assertThat(printed)
                .contains(
                        "- name: alice",
                        "roles: [operator]",
                        "sha256: " + io.relops.common.security.Tokens.sha256Hex(token));
        assertThat(printed.lines().filter(l -> l.contains("sha256:"))).noneMatch(l -> l.contains(token));
    }
}
