package dev.poolguard.autoconfigure.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.handler.HandlerExceptionResolverComposite;
import org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * Keeps a lost database connection from passing for a client that went away. Spring MVC's
 * {@code DefaultHandlerExceptionResolver} takes any failure with an {@code EOFException},
 * "broken pipe" or "connection reset by peer" in its causes for the HTTP client hanging up,
 * and answers nothing: a 200 with an empty body. pgjdbc's connection to a server that just
 * restarted ends with exactly such an {@code EOFException}, and Spring's transaction
 * exceptions are not among the data-access ones it excludes. This resolver, ordered before
 * Spring MVC's own, answers those failures with PoolGuard's 503, after the application's
 * own {@code @ExceptionHandler} methods had their say.
 *
 * @author PoolGuard
 */
final class DatabaseEofResolver implements HandlerExceptionResolver, Ordered {

	private final AcquisitionFailureExceptionResolver answer;

	private final ObjectProvider<HandlerExceptionResolverComposite> springResolvers;

	DatabaseEofResolver(AcquisitionFailureExceptionResolver answer,
			ObjectProvider<HandlerExceptionResolverComposite> springResolvers) {
		this.answer = answer;
		this.springResolvers = springResolvers;
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception exception) {
		if (!DisconnectedClientHelper.isClientDisconnectedException(exception)
				|| ConnectionFailures.find(exception) == null) {
			return null;
		}
		for (HandlerExceptionResolverComposite composite : this.springResolvers) {
			for (HandlerExceptionResolver resolver : composite.getExceptionResolvers()) {
				if (resolver instanceof ExceptionHandlerExceptionResolver applicationHandlers) {
					ModelAndView handled = applicationHandlers.resolveException(request, response, handler, exception);
					if (handled != null) {
						return handled;
					}
				}
			}
		}
		return this.answer.resolveException(request, response, handler, exception);
	}

	@Override
	public int getOrder() {
		// Before Spring MVC's HandlerExceptionResolverComposite (order 0).
		return -1;
	}

}
