@NullMarked
package io.relops.deploy;

import org.jspecify.annotations.NullMarked;
