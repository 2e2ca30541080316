@NullMarked
package io.relops.audit.log;

import org.jspecify.annotations.NullMarked;
