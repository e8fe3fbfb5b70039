package dev.poolguard.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.ClassUtils;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC's Problem Details for every error, as {@code spring.mvc.problemdetails.enabled}
 * gives, except that a 400 says which field is wrong: in its {@code detail}, for people, and
 * as an {@code errors} list of {@link InvalidField}s, for programs. Spring's own details
 * ("Invalid request content.", "Failed to read request") do not name the field.
 *
 * <p>
 * Being a {@link ResponseEntityExceptionHandler}, it takes the place of the one Spring Boot
 * registers for that property. It handles none of the database's failures: a refused or
 * lost connection reaches PoolGuard's resolver, which runs after every
 * {@code @ExceptionHandler} and answers 503 with {@code Retry-After}; any other database
 * error stays Spring Boot's 500.
 *
 * @author PoolGuard
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	/** A {@code @Valid @RequestBody} that breaks a constraint. */
	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return badRequest(ex, fieldErrors(ex.getBindingResult().getFieldErrors()), headers, request);
	}

	/** A constrained {@code @RequestParam}, such as a page size over the maximum. */
	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<InvalidField> fields = new ArrayList<>();
		for (ParameterValidationResult result : ex.getParameterValidationResults()) {
			if (result instanceof ParameterErrors errors) {
				fields.addAll(fieldErrors(errors.getFieldErrors()));
			}
			else {
				// The request parameters take their Java names (the build compiles with -parameters).
				String name = result.getMethodParameter().getParameterName();
				for (MessageSourceResolvable error : result.getResolvableErrors()) {
					fields.add(new InvalidField(name, error.getDefaultMessage()));
				}
			}
		}
		return badRequest(ex, fields, headers, request);
	}

	/** A query parameter or path variable that does not convert, such as {@code /api/clients/abc}. */
	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		if (ex.getPropertyName() == null) {
			return super.handleTypeMismatch(ex, headers, status, request);
		}
		Class<?> type = ex.getRequiredType();
		String message = (type != null && Number.class.isAssignableFrom(ClassUtils.resolvePrimitiveIfNecessary(type)))
				? "must be a number" : "has the wrong type";
		return badRequest(ex, List.of(new InvalidField(ex.getPropertyName(), message)), headers, request);
	}

	/**
	 * A body that is missing, not JSON, not an object, or an object with an unknown field or
	 * a value of the wrong type.
	 */
	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		JacksonException json = jacksonCause(ex);
		if (json instanceof UnrecognizedPropertyException unknown) {
			return badRequest(ex, List.of(new InvalidField(unknown.getPropertyName(), "is not a known field")),
					headers, request);
		}
		String field = (json != null && !(json instanceof StreamReadException)) ? path(json) : "";
		if (!field.isEmpty()) {
			return badRequest(ex, List.of(new InvalidField(field, "has the wrong type or format")), headers,
					request);
		}
		String detail = (json instanceof StreamReadException) ? "The request body is not valid JSON"
				: (json != null) ? "The request body is not the JSON object this endpoint expects"
						: "The request body is missing or unreadable";
		return badRequest(ex, detail, List.of(), headers, request);
	}

	private static JacksonException jacksonCause(Throwable ex) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof JacksonException json) {
				return json;
			}
		}
		return null;
	}

	/** Where in the document the bad value is, such as {@code name} or {@code tags[2]}. */
	private static String path(JacksonException ex) {
		return ex.getPath()
			.stream()
			.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
					: "[" + reference.getIndex() + "]")
			.collect(Collectors.joining("."))
			.replace(".[", "[");
	}

	private static List<InvalidField> fieldErrors(List<FieldError> errors) {
		return errors.stream().map((error) -> new InvalidField(error.getField(), error.getDefaultMessage())).toList();
	}

	private ResponseEntity<Object> badRequest(Exception ex, List<InvalidField> fields, HttpHeaders headers,
			WebRequest request) {
		// Sorted: the validator reports a body's violations in no particular order.
		List<InvalidField> sorted = fields.stream()
			.sorted(Comparator.comparing(InvalidField::field).thenComparing(InvalidField::message))
			.toList();
		String detail = sorted.stream()
			.map((field) -> field.field() + " " + field.message())
			.collect(Collectors.joining("; ", "Invalid request: ", ""));
		return badRequest(ex, detail, sorted, headers, request);
	}

	private ResponseEntity<Object> badRequest(Exception ex, String detail, List<InvalidField> fields,
			HttpHeaders headers, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		if (!fields.isEmpty()) {
			problem.setProperty("errors", fields);
		}
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

}
