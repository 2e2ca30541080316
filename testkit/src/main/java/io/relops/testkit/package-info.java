/** Real infrastructure for tests and for the local suite: a Kafka broker and a PostgreSQL server. */
@NullMarked
package io.relops.testkit;

import org.jspecify.annotations.NullMarked;
