@NullMarked
package io.relops.audit;

import org.jspecify.annotations.NullMarked;
