package io.relops.common.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/** Ed25519 keys (JDK provider) and their PEM text: PKCS#8 private keys, X.509 SubjectPublicKeyInfo public keys. */
public final class Keys {

    private static final String PUBLIC = "PUBLIC KEY";
    private static final String PRIVATE = "PRIVATE KEY";

    private Keys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate Ed25519 keys", e);
        }
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded());
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded());
    }

    public static PublicKey readPublic(String pem) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(unpem(PUBLIC, pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivate(String pem) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(unpem(PRIVATE, pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key (PKCS#8 PEM): " + e.getMessage(), e);
        }
    }

    /** The public key derived from an Ed25519 private key is not exposed by the JDK; keep pairs together. */
    public static KeyPair readPair(String privatePem, String publicPem) {
        return new KeyPair(readPublic(publicPem), readPrivate(privatePem));
    }

    /** The key pair of a PEM file that holds its PRIVATE KEY and its PUBLIC KEY. */
    public static KeyPair readPairFile(Path file) throws IOException {
        String pem = Files.readString(file);
        return readPair(pem, pem);
    }

    /**
     * Generates a key pair and writes it to {@code file} as PEM (PRIVATE KEY and PUBLIC KEY), readable by its owner
     * only where the file system has POSIX permissions, and atomically: a reader never sees half a key.
     */
    public static KeyPair generateInto(Path file) throws IOException {
        KeyPair generated = generate();
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(partial, privatePem(generated.getPrivate()) + publicPem(generated.getPublic()));
        try {
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        return generated;
    }

    /** The first 16 hex digits of SHA-256 over the key's X.509 encoding. */
    public static String fingerprint(PublicKey key) {
        return HexFormat.of()
                .formatHex(AuditChain.sha256().digest(key.getEncoded()))
                .substring(0, 16);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] unpem(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("not a PEM '" + label + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM '" + label + "' block is not Base64: " + e.getMessage(), e);
        }
    }
}
