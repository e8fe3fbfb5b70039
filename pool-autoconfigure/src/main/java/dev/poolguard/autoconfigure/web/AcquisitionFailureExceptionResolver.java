package dev.poolguard.autoconfigure.web;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import dev.poolguard.autoconfigure.resilience.DatabaseUnavailableException;
import dev.poolguard.autoconfigure.resilience.PoolGuardAcquisitionException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers 503 Service Unavailable with a {@code Retry-After} header when a request failed
 * because of the database, not because of the application: PoolGuard refused a
 * connection (the database is unavailable, or the pool is saturated), or the connection a
 * statement was running on was lost (see {@link ConnectionFailures}). Spring's wrappers
 * ({@code CannotGetJdbcConnectionException}, {@code TransactionSystemException},
 * {@code DataAccessResourceFailureException}, JPA's {@code PersistenceException}, ...)
 * are looked through. The statement is never retried: the client is told when to try
 * again.
 *
 * <p>
 * It runs after Spring MVC's own resolvers, so an {@code @ExceptionHandler} of the
 * application (in a controller or a {@code @ControllerAdvice}) that handles the exception
 * wins. The answer fits the client: a browser ({@code Accept: text/html}) gets the
 * application's error page through the servlet container's error dispatch (Spring Boot's
 * {@code BasicErrorController}, {@code error/503.html}, ...) with status 503; any other
 * client gets RFC 9457 Problem Details through the application's message converters. Any
 * other exception is left alone: this resolver answers {@code null}.
 *
 * @author PoolGuard
 */
final class AcquisitionFailureExceptionResolver implements HandlerExceptionResolver, Ordered {

	static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

	private static final Log logger = LogFactory.getLog(AcquisitionFailureExceptionResolver.class);

	private static final List<MediaType> HTML = List.of(MediaType.TEXT_HTML, MediaType.APPLICATION_XHTML_XML);

	private final Duration lostConnectionRetryAfter;

	private final Supplier<List<HttpMessageConverter<?>>> messageConverters;

	/**
	 * Creates a resolver.
	 * @param lostConnectionRetryAfter the {@code Retry-After} of a lost connection (a
	 * refused connection carries its own)
	 * @param messageConverters the application's message converters, asked for when the
	 * first problem is written
	 */
	AcquisitionFailureExceptionResolver(Duration lostConnectionRetryAfter,
			Supplier<List<HttpMessageConverter<?>>> messageConverters) {
		this.lostConnectionRetryAfter = atLeastOneSecond(lostConnectionRetryAfter);
		this.messageConverters = messageConverters;
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception exception) {
		Throwable failure = ConnectionFailures.find(exception);
		if (failure == null || response.isCommitted()) {
			return null;
		}
		Answer answer = Answer.of(failure, this.lostConnectionRetryAfter);
		if (logger.isDebugEnabled()) {
			logger.debug("Answering 503 to " + request.getMethod() + " " + request.getRequestURI() + ": " + failure);
		}
		try {
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(answer.retryAfter().toSeconds()));
			if (prefersHtml(request)) {
				// The container's error dispatch renders the application's error page
				// (BasicErrorController, error/503.html) with this status and header.
				response.sendError(HttpStatus.SERVICE_UNAVAILABLE.value(), answer.title());
			}
			else {
				writeProblem(answer, request, response);
			}
			return new ModelAndView();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Whether the client asks for HTML at least as much as for JSON, as a browser does.
	 * {@code *}{@code /*}, the default of curl and most HTTP clients, is not a request for
	 * HTML.
	 */
	static boolean prefersHtml(HttpServletRequest request) {
		String accept = request.getHeader(HttpHeaders.ACCEPT);
		if (accept == null || accept.isBlank()) {
			return false;
		}
		List<MediaType> accepted;
		try {
			accepted = MediaType.parseMediaTypes(accept);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
		double html = 0;
		double json = 0;
		for (MediaType type : accepted) {
			if (type.isWildcardType() || type.isWildcardSubtype()) {
				continue;
			}
			if (HTML.stream().anyMatch(type::isCompatibleWith)) {
				html = Math.max(html, type.getQualityValue());
			}
			else if (type.isCompatibleWith(MediaType.APPLICATION_JSON) || "json".equals(type.getSubtypeSuffix())) {
				json = Math.max(json, type.getQualityValue());
			}
		}
		return html > 0 && html >= json;
	}

	private void writeProblem(Answer answer, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, answer.detail());
		problem.setTitle(answer.title());
		problem.setInstance(URI.create(request.getRequestURI()));
		problem.setProperty("retryAfterSeconds", answer.retryAfter().toSeconds());
		HttpMessageConverter<Object> converter = problemConverter();
		if (converter != null) {
			ServletServerHttpResponse output = new ServletServerHttpResponse(response);
			output.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			converter.write(problem, PROBLEM_JSON, output);
			output.flush();
			return;
		}
		// No JSON converter in the application: write the few fields by hand.
		response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
		response.setContentType(PROBLEM_JSON.toString());
		response.setCharacterEncoding("UTF-8");
		response.getWriter()
			.write("{\"type\":\"about:blank\",\"title\":" + json(answer.title()) + ",\"status\":503,\"detail\":"
					+ json(answer.detail()) + ",\"instance\":" + json(request.getRequestURI())
					+ ",\"retryAfterSeconds\":" + answer.retryAfter().toSeconds() + "}");
		response.flushBuffer();
	}

	@SuppressWarnings("unchecked")
	private HttpMessageConverter<Object> problemConverter() {
		for (HttpMessageConverter<?> converter : this.messageConverters.get()) {
			if (converter.canWrite(ProblemDetail.class, PROBLEM_JSON)) {
				return (HttpMessageConverter<Object>) converter;
			}
		}
		return null;
	}

	private static String json(String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else {
				json.append(c);
			}
		}
		return json.append('"').toString();
	}

	private static Duration atLeastOneSecond(Duration duration) {
		long seconds = (duration.toMillis() + 999) / 1000;
		return Duration.ofSeconds(Math.max(1, seconds));
	}

	@Override
	public int getOrder() {
		// After Spring MVC's HandlerExceptionResolverComposite (order 0): the
		// application's own @ExceptionHandler methods come first.
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

	/**
	 * What the client is told. The detail never repeats the exception's message: that
	 * names hosts and database errors, which are for the logs, not for clients.
	 */
	private record Answer(String title, String detail, Duration retryAfter) {

		static Answer of(Throwable failure, Duration lostConnectionRetryAfter) {
			if (failure instanceof DatabaseUnavailableException refused) {
				return new Answer("Database unavailable",
						"The database cannot be reached right now. Try again shortly.", refused.getRetryAfter());
			}
			if (failure instanceof PoolGuardAcquisitionException refused) {
				return new Answer("Too many requests waiting for the database",
						"Every database connection is busy. Try again shortly.", refused.getRetryAfter());
			}
			return new Answer("Database unavailable",
					"The connection to the database was lost while handling the request. Try again shortly.",
					lostConnectionRetryAfter);
		}

	}

}
