package io.relops.common.audit;

/**
 * A position in the chain: a full {@link AuditEntry}, or (in a filtered export) a {@link
 * LinkOnly} that carries only the content digest of a record the filter left out.
 */
public sealed interface ChainLink permits AuditEntry, LinkOnly {

    long seq();

    String prevHash();

    /** SHA-256 of the record's canonical content. */
    String digest();

    String hash();
}
