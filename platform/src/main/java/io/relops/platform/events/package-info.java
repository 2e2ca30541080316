/**
 * Event plumbing shared by every relops service: publishing, the transactional outbox and its
 * relay, inbound decoding and idempotent consumption.
 */
@NullMarked
package io.relops.platform.events;

import org.jspecify.annotations.NullMarked;
