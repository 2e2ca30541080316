/**
 * The application catalog ({@code RELOPS_CATALOG}): checked at start (every service that imports it refuses to start
 * on a catalog that is missing, unreadable or not valid against {@code catalog.schema.json}, naming the file, the
 * application, the environment and the key), and bound per application and environment ({@link
 * io.relops.platform.catalog.EnvironmentCatalog}: an environment's overrides merged onto the application's
 * settings).
 */
@NullMarked
package io.relops.platform.catalog;

import org.jspecify.annotations.NullMarked;
