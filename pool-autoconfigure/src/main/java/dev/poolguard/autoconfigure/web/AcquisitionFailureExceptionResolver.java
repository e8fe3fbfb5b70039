package dev.poolguard.autoconfigure.web;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import dev.poolguard.autoconfigure.resilience.DatabaseUnavailableException;
import dev.poolguard.autoconfigure.resilience.PoolGuardAcquisitionException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers 503 Service Unavailable, as RFC 9457 Problem Details with a
 * {@code Retry-After} header, when a request failed because PoolGuard refused a
 * connection: the database is unavailable or the pool is saturated. Spring's wrappers
 * ({@code CannotGetJdbcConnectionException}, {@code CannotCreateTransactionException},
 * {@code DataAccessResourceFailureException}, ...) are looked through. Any other
 * exception is left to the application's own handlers: this resolver answers
 * {@code null} and Spring MVC goes on as if it were not there.
 *
 * @author PoolGuard
 */
final class AcquisitionFailureExceptionResolver implements HandlerExceptionResolver, Ordered {

	static final String PROBLEM_JSON = "application/problem+json";

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception exception) {
		PoolGuardAcquisitionException failure = find(exception);
		if (failure == null || response.isCommitted()) {
			return null;
		}
		try {
			boolean unavailable = failure instanceof DatabaseUnavailableException;
			response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(failure.getRetryAfter().toSeconds()));
			response.setContentType(PROBLEM_JSON);
			response.setCharacterEncoding("UTF-8");
			response.getWriter()
				.write(problem(unavailable ? "Database unavailable" : "Too many requests waiting for the database",
						unavailable ? "The database cannot be reached right now. Try again shortly."
								: "Every database connection is busy. Try again shortly.",
						request.getRequestURI(), failure.getRetryAfter().toSeconds()));
			response.flushBuffer();
			return new ModelAndView();
		}
		catch (IOException ex) {
			return null;
		}
	}

	static PoolGuardAcquisitionException find(Throwable exception) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = exception; current != null && seen.add(current); current = current.getCause()) {
			if (current instanceof PoolGuardAcquisitionException failure) {
				return failure;
			}
		}
		return null;
	}

	/**
	 * The problem document. Its detail never repeats the exception's message: that names
	 * hosts and database errors, which are for the logs, not for clients.
	 */
	private static String problem(String title, String detail, String instance, long retryAfterSeconds) {
		return "{\"type\":\"about:blank\",\"title\":" + json(title) + ",\"status\":503,\"detail\":" + json(detail)
				+ ",\"instance\":" + json(instance) + ",\"retryAfterSeconds\":" + retryAfterSeconds + "}";
	}

	private static String json(String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

	@Override
	public int getOrder() {
		// Before @ExceptionHandler methods, so that a catch-all handler does not turn a
		// deliberate 503 into a 500; after Boot's DefaultErrorAttributes.
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

}
