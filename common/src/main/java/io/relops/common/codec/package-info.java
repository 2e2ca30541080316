/** CloudEvents encoding and decoding for relops events: the one codec every service uses. */
@NullMarked
package io.relops.common.codec;

import org.jspecify.annotations.NullMarked;
