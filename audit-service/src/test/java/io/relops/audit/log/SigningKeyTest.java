package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.common.audit.Keys;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    final KeyPair current = Keys.generate();
    final KeyPair old = Keys.generate();
    final String currentId = Keys.fingerprint(current.getPublic());
    final String oldId = Keys.fingerprint(old.getPublic());

    @Test
    void verifiesWithTheCurrentKeyAndTheConfiguredOlderOnes() {
        assertThat(SigningKey.verificationKeys(
                                currentId, current.getPublic(), Map.of(oldId, Keys.publicPem(old.getPublic())))
                        .keySet())
                .containsExactlyInAnyOrder(currentId, oldId);
    }

    @Test
    void refusesAKeyConfiguredUnderAnotherId() {
        assertThatThrownBy(() -> SigningKey.verificationKeys(
                        currentId, current.getPublic(), Map.of("0123456789abcdef", Keys.publicPem(old.getPublic()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relops.audit.signing.public-keys.0123456789abcdef holds the key " + oldId);
    }

    @Test
    void refusesSomethingThatIsNotAPublicKey() {
        assertThatThrownBy(() -> SigningKey.verificationKeys(currentId, current.getPublic(), Map.of(oldId, "nope")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relops.audit.signing.public-keys." + oldId + " is not an Ed25519 public key");
    }
}
