package dev.poolguard.compat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The smallest application a user would write: one endpoint that asks the database. */
@SpringBootApplication
@RestController
public class CompatApplication {

	private final JdbcTemplate jdbc;

	CompatApplication(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping("/now")
	String now() {
		return this.jdbc.queryForObject("SELECT now()::text", String.class);
	}

	public static void main(String[] args) {
		SpringApplication.run(CompatApplication.class, args);
	}

}
