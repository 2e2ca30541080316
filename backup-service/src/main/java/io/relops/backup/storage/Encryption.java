package io.relops.backup.storage;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client-side AES-256-GCM encryption of artifacts with the JDK's {@code javax.crypto}, in segments so that
 * artifacts of any size stream through bounded memory (a single GCM message would have to be held whole to be
 * authenticated on decryption).
 *
 * <p>Format: magic {@code RLBE}, version 1, an 8-byte random nonce prefix; then segments of up to {@value
 * #SEGMENT} plaintext bytes, each sealed with its own nonce (prefix + 4-byte segment counter) and a 16-byte tag, the
 * last one marked in its associated data. Reordered, truncated, extended or altered segments fail authentication.
 */
public final class Encryption {

    static final int SEGMENT = 1 << 20;
    private static final int TAG_BYTES = 16;
    private static final byte[] MAGIC = {'R', 'L', 'B', 'E', 1};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private Encryption(SecretKey key) {
        this.key = key;
    }

    /** A key from its Base64 form: 32 bytes (AES-256). */
    public static Encryption fromBase64Key(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relops.backup.storage.encryption-key is not Base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(
                    "relops.backup.storage.encryption-key must be 32 bytes (AES-256), is " + bytes.length);
        }
        return new Encryption(new SecretKeySpec(bytes, "AES"));
    }

    /** Encrypts what is written to the returned stream into {@code out}; closing it closes {@code out}. */
    public OutputStream encrypt(OutputStream out) throws IOException {
        byte[] prefix = new byte[8];
        RANDOM.nextBytes(prefix);
        out.write(MAGIC);
        out.write(prefix);
        return new Sealing(out, prefix);
    }

    /** Decrypts {@code in}; reading fails with an {@link IOException} naming the problem when it was altered. */
    public InputStream decrypt(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        byte[] prefix = new byte[8];
        try {
            data.readFully(magic);
            data.readFully(prefix);
        } catch (EOFException e) {
            throw new IOException("the artifact is too short to be encrypted by relops", e);
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("the artifact is not encrypted by relops (unknown header)");
        }
        return new Opening(data, prefix);
    }

    private Cipher cipher(int mode, byte[] prefix, int counter, boolean last) throws IOException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt(counter).array();
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private final class Sealing extends FilterOutputStream {
        private final byte[] prefix;
        private final byte[] buffer = new byte[SEGMENT];
        private int filled;
        private int counter;
        private boolean closed;

        Sealing(OutputStream out, byte[] prefix) {
            super(out);
            this.prefix = prefix;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == SEGMENT) {
                    seal(false); // more follows, so this full segment is not the last
                }
                int n = Math.min(len, SEGMENT - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                out.write(cipher(Cipher.ENCRYPT_MODE, prefix, counter++, last).doFinal(buffer, 0, filled));
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed: " + e.getMessage(), e);
            }
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                seal(true);
                out.close();
            }
        }
    }

    private final class Opening extends InputStream {
        private final DataInputStream in;
        private final byte[] prefix;
        private final byte[] sealed = new byte[SEGMENT + TAG_BYTES];
        private byte[] plain = new byte[0];
        private int position;
        private int counter;
        private boolean lastSeen;
        private int lookahead = -1;

        Opening(DataInputStream in, byte[] prefix) {
            this.in = in;
            this.prefix = prefix;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == plain.length) {
                if (lastSeen) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, plain.length - position);
            System.arraycopy(plain, position, b, off, n);
            position += n;
            return n;
        }

        private void next() throws IOException {
            int length = 0;
            if (lookahead >= 0) {
                sealed[length++] = (byte) lookahead;
                lookahead = -1;
            }
            while (length < sealed.length) {
                int n = in.read(sealed, length, sealed.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            boolean last = length < sealed.length || (lookahead = in.read()) < 0;
            if (length < TAG_BYTES) {
                throw new IOException("the encrypted artifact is truncated (segment " + counter + ")");
            }
            try {
                plain = cipher(Cipher.DECRYPT_MODE, prefix, counter++, last).doFinal(sealed, 0, length);
            } catch (AEADBadTagException e) {
                throw new IOException("the encrypted artifact fails authentication at segment " + (counter - 1)
                        + ": it was altered or truncated, or the key is wrong");
            } catch (GeneralSecurityException e) {
                throw new IOException("decryption failed: " + e.getMessage(), e);
            }
            position = 0;
            lastSeen = last;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
