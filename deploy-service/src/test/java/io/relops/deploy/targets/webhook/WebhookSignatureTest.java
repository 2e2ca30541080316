package io.relops.deploy.targets.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final byte[] BODY = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsWithHmacSha256AsHex() {
        // RFC 4231, test case 2
        assertThat(WebhookSignature.sign("Jefe", BODY))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void verifiesOnlyTheSignatureOfTheSameBodyAndSecret() {
        String signature = WebhookSignature.sign("Jefe", BODY);

        assertThat(WebhookSignature.verify("Jefe", BODY, signature)).isTrue();
        assertThat(WebhookSignature.verify("jefe", BODY, signature)).isFalse();
        assertThat(WebhookSignature.verify(
                        "Jefe", "what do ya want for nothing!".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        assertThat(WebhookSignature.verify("Jefe", BODY, signature.substring(0, signature.length() - 1)))
                .isFalse();
        assertThat(WebhookSignature.verify("Jefe", BODY, signature.replace("sha256=", "")))
                .isFalse();
        assertThat(WebhookSignature.verify("Jefe", BODY, null)).isFalse();
    }
}
