/** The event data records: the Java form of the published JSON Schemas. */
@NullMarked
package io.relops.common.event;

import org.jspecify.annotations.NullMarked;
