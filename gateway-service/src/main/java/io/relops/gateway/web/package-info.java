@NullMarked
package io.relops.gateway.web;

import org.jspecify.annotations.NullMarked;
