/**
 * The release vocabulary every module shares: statuses, strategies and operator actions, with which
 * status allows which action. Statuses and strategies are the values the JSON Schemas publish (a test
 * in this module keeps the two equal).
 */
@NullMarked
package io.relops.common.release;

import org.jspecify.annotations.NullMarked;
