@NullMarked
package io.relops.deploy.target.webhook;

import org.jspecify.annotations.NullMarked;
