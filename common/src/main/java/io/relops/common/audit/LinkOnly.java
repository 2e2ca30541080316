package io.relops.common.audit;

/** A record left out of a filtered export: enough to carry the chain through it, no content. */
public record LinkOnly(long seq, String prevHash, String digest, String hash) implements ChainLink {}
