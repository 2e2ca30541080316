@NullMarked
package io.relops.platform.web;

import org.jspecify.annotations.NullMarked;
