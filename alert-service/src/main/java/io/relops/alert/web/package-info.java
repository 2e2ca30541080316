@NullMarked
package io.relops.alert.web;

import org.jspecify.annotations.NullMarked;
