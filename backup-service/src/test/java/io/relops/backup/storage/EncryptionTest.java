package io.relops.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptionTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Encryption encryption = Encryption.fromBase64Key(key());

    @ParameterizedTest
    @ValueSource(
            ints = {
                0,
                1,
                Encryption.SEGMENT - 1,
                Encryption.SEGMENT,
                Encryption.SEGMENT + 1,
                3 * Encryption.SEGMENT + 17
            })
    void roundTripsAnySize(int size) throws IOException {
        byte[] plain = new byte[size];
        RANDOM.nextBytes(plain);
        byte[] sealed = encrypt(plain);
        assertThat(sealed).isNotEqualTo(plain);
        assertThat(encryption.decrypt(new ByteArrayInputStream(sealed)).readAllBytes())
                .isEqualTo(plain);
    }

    @Test
    void refusesAFlippedByte() throws IOException {
        byte[] sealed = encrypt("the database dump".getBytes());
        sealed[sealed.length - 20] ^= 1;
        assertThatThrownBy(() ->
                        encryption.decrypt(new ByteArrayInputStream(sealed)).readAllBytes())
                .hasMessageContaining("fails authentication");
    }

    @Test
    void refusesATruncatedArtifactAtASegmentBoundary() throws IOException {
        byte[] sealed = encrypt(new byte[2 * Encryption.SEGMENT + 5]);
        byte[] truncated = Arrays.copyOf(sealed, 13 + 2 * (Encryption.SEGMENT + 16));
        assertThatThrownBy(() ->
                        encryption.decrypt(new ByteArrayInputStream(truncated)).readAllBytes())
                .hasMessageContaining("fails authentication");
    }

    @Test
    void refusesTheWrongKey() throws IOException {
        byte[] sealed = encrypt("secret".getBytes());
        Encryption other = Encryption.fromBase64Key(key());
        assertThatThrownBy(() -> other.decrypt(new ByteArrayInputStream(sealed)).readAllBytes())
                .hasMessageContaining("key is wrong");
    }

    @Test
    void refusesAKeyOfTheWrongLength() {
        assertThatThrownBy(() -> Encryption.fromBase64Key(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }

    private byte[] encrypt(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream sealing = encryption.encrypt(out)) {
            sealing.write(plain);
        }
        return out.toByteArray();
    }

    private static String key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
