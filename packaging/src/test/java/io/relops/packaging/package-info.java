@NullMarked
package io.relops.packaging;

import org.jspecify.annotations.NullMarked;
