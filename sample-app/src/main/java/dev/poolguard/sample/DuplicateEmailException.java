package dev.poolguard.sample;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Another client already has the email address. Spring MVC answers it with a 409 Problem
 * Details.
 *
 * @author PoolGuard
 */
class DuplicateEmailException extends ErrorResponseException {

	DuplicateEmailException(String email, Throwable cause) {
		super(HttpStatus.CONFLICT, problem(email), cause);
	}

	private static ProblemDetail problem(String email) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"Another client already has the email address " + email);
		problem.setProperty("errors", List.of(new InvalidField("email", "is already used by another client")));
		return problem;
	}

}
