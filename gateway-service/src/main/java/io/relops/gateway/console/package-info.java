/**
 * The web console: server-rendered pages (Thymeleaf + htmx) served by the gateway under
 * {@code /console}, signed in with an API token and kept in a server session. Release actions go
 * through the API's own code path ({@code ReleaseActions}); backups, alerts, silences and the audit
 * log are read from their services with the user's token.
 */
@NullMarked
package io.relops.gateway.console;

import org.jspecify.annotations.NullMarked;
