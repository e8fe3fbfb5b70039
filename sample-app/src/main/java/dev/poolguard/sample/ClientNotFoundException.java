package dev.poolguard.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * No client has the requested id. Spring MVC answers it with a 404 Problem Details.
 *
 * @author PoolGuard
 */
class ClientNotFoundException extends ErrorResponseException {

	ClientNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No client has id " + id),
				null);
	}

}
