@NullMarked
package io.relops.deploy.catalog;

import org.jspecify.annotations.NullMarked;
