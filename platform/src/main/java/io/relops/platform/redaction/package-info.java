/** Redaction of secret URLs and tokens before they reach a log, an error or an event. */
@NullMarked
package io.relops.platform.redaction;

import org.jspecify.annotations.NullMarked;
