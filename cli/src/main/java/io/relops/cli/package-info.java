@NullMarked
package io.relops.cli;

import org.jspecify.annotations.NullMarked;
