package io.relops.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** @param maxBodySize request bodies under {@code /api/} larger than this are refused with {@code 413} */
@ConfigurationProperties("relops.gateway.request")
public record RequestSettings(DataSize maxBodySize) {}
