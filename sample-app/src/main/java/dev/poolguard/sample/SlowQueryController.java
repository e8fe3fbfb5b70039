package dev.poolguard.sample;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Holds a connection for a while, on the database side, so that saturation and outages
 * can be reproduced with nothing but an HTTP client.
 *
 * @author PoolGuard
 */
@RestController
class SlowQueryController {

	static final int MAX_MILLIS = 10_000;

	private final JdbcTemplate jdbcTemplate;

	SlowQueryController(JdbcTemplate jdbcTemplate) {
		this.jdbcTemplate = jdbcTemplate;
	}

	/**
	 * Runs {@code pg_sleep} for the given time.
	 * @param ms how long to hold the connection, from 0 to 10,000 milliseconds
	 * @return how long the database slept, in milliseconds
	 */
	@GetMapping("/api/clients/slow")
	SlowResponse slow(@RequestParam(defaultValue = "100") int ms) {
		if (ms < 0 || ms > MAX_MILLIS) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"ms must be between 0 and " + MAX_MILLIS + ", was " + ms);
		}
		this.jdbcTemplate.execute("SELECT pg_sleep(" + (ms / 1000.0) + ")");
		return new SlowResponse(ms);
	}

	record SlowResponse(int sleptMillis) {

	}

}
