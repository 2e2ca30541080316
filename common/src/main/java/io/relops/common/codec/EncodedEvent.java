package io.relops.common.codec;

import java.util.Map;

/**
 * A relops event in the Kafka protocol binding, binary content mode: the record key (the
 * application), the headers ({@code ce_*} attributes and {@code content-type}) and the value (the
 * data as JSON).
 */
public record EncodedEvent(byte[] key, Map<String, byte[]> headers, byte[] value) {}
