@NullMarked
package io.relops.backup.driver;

import org.jspecify.annotations.NullMarked;
