package io.relops.platform.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request's media type headers, checked once, after authentication: a {@code Content-Type} that is no concrete
 * media type (unparseable, or a wildcard such as {@code *}{@code /*}) is 415 problem+json; an {@code Accept} that
 * does not parse is ignored (as if absent), so that the answer, an error included, can still be JSON. Only the
 * headers are read, never the body.
 */
public final class RequestMediaTypes extends OncePerRequestFilter {

    private final Problems problems;

    public RequestMediaTypes(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            // the error page of a request refused before (e.g. by the firewall): its status stays, the headers
            // that cannot be read are not read
            boolean badType = contentType != null && !concrete(contentType);
            boolean badAccept = !parses(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
            chain.doFilter(badType || badAccept ? new Without(request, badType, badAccept) : request, response);
            return;
        }
        if (contentType != null && !concrete(contentType)) {
            problems.write(
                    request,
                    response,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "the Content-Type is not a media type a body can have (e.g. application/json)");
            return;
        }
        List<String> accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
        if (!parses(accept)) {
            chain.doFilter(new Without(request, false, true), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean concrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean parses(List<String> accept) {
        if (accept.isEmpty()) {
            return true;
        }
        try {
            MediaType.parseMediaTypes(accept);
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /** The request as if it had no Content-Type and/or no Accept header. */
    private static final class Without extends HttpServletRequestWrapper {

        private final boolean contentType;
        private final boolean accept;

        Without(HttpServletRequest request, boolean contentType, boolean accept) {
            super(request);
            this.contentType = contentType;
            this.accept = accept;
        }

        private boolean hidden(String name) {
            return (contentType && HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name))
                    || (accept && HttpHeaders.ACCEPT.equalsIgnoreCase(name));
        }

        @Override
        public @Nullable String getContentType() {
            return contentType ? null : super.getContentType();
        }

        @Override
        public @Nullable String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(this::hidden);
            return Collections.enumeration(names);
        }
    }
}
