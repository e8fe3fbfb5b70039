package dev.poolguard.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web application that uses PoolGuard. With no database configured it starts an
 * embedded PostgreSQL; {@code SPRING_DATASOURCE_URL} points it at a real server.
 *
 * @author PoolGuard
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
