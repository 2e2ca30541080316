/** The release vocabulary every module shares: statuses and strategies, as published in the JSON Schemas. */
@NullMarked
package io.relops.common.release;

import org.jspecify.annotations.NullMarked;
