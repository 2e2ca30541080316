package io.relops.deploy.targets.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading HAProxy 2.6's {@code show servers state} and telling a unix socket from {@code host:port}. */
class ServerStateTest {

    static final String ANSWER = """
            1
            # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight \
            srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state \
            srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port \
            srv_check_addr srv_agent_addr srv_agent_port
            3 demo-app 1 blue 127.0.0.1 2 0 95 100 8 6 3 2 6 0 0 0 - 9401 - 0 0 - - 0
            3 demo-app 2 green 127.0.0.1 2 8 5 0 1 8 2 0 6 0 0 0 - 9402 - 0 0 - - 0
            3 demo-app 3 spare 10.0.0.7 0 0 10 10 3 8 2 0 6 0 0 0 - 80 - 0 0 - - 0

            """;

    @Test
    void readsEachServersAddressStatesAndWeight() {
        Map<String, ServerState> servers = ServerState.parse(ANSWER);

        assertThat(servers).containsOnlyKeys("blue", "green", "spare");
        assertThat(servers.get("blue")).isEqualTo(new ServerState("blue", "127.0.0.1", 9401, 2, 0, 95, 6));
        assertThat(servers.get("blue").effectiveWeight()).isEqualTo(95);
        assertThat(servers.get("green").serving()).as("in drain").isFalse();
        assertThat(servers.get("green").describe()).isEqualTo("UP, drain, weight 5, 127.0.0.1:9402");
        assertThat(servers.get("spare").effectiveWeight()).as("DOWN").isZero();
    }

    @Test
    void aServerDisabledInHaproxyCfgServesOnceSetReadyAtRuntime() {
        // `disabled` in haproxy.cfg leaves admin flag 0x04 set after `set server … state ready` cleared 0x01
        assertThat(new ServerState("blue", "127.0.0.1", 9401, 2, 0x04, 10, 6).serving())
                .isTrue();
        assertThat(new ServerState("blue", "127.0.0.1", 9401, 2, 0x04, 10, 6).describe())
                .isEqualTo("UP, ready, weight 10, 127.0.0.1:9401");
        assertThat(new ServerState("blue", "127.0.0.1", 9401, 2, 0x05, 10, 6).describe())
                .as("still in maintenance forced at runtime")
                .isEqualTo("UP, maint, weight 10, 127.0.0.1:9401");
        assertThat(new ServerState("blue", "127.0.0.1", 9401, 2, 0x10, 10, 6).serving())
                .as("drain inherited")
                .isFalse();
    }

    @Test
    void anotherAnswerIsNoTable() {
        assertThatThrownBy(() -> ServerState.parse("Can't find backend.\n\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Can't find backend.");
    }

    @Test
    void aSocketIsHostPortOrAUnixPath() {
        assertThat(RuntimeApi.isUnixSocket("/run/haproxy/admin.sock")).isTrue();
        assertThat(RuntimeApi.isUnixSocket(".relops/haproxy/admin.sock")).isTrue();
        assertThat(RuntimeApi.isUnixSocket("admin.sock")).isTrue();
        assertThat(RuntimeApi.isUnixSocket("127.0.0.1:9999")).isFalse();
        assertThat(RuntimeApi.isUnixSocket("haproxy.internal:9999")).isFalse();
        assertThat(RuntimeApi.isUnixSocket("[::1]:9999")).isFalse();
    }
}
