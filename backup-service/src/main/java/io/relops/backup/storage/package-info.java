@NullMarked
package io.relops.backup.storage;

import org.jspecify.annotations.NullMarked;
