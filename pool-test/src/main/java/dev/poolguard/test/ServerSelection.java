package dev.poolguard.test;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.springframework.util.ClassUtils;

/**
 * Decides which kind of server the tests get. Reads a map shaped like the environment so the
 * decision can be tested with any inputs; {@link #environment()} supplies the real one.
 */
final class ServerSelection {

	static final String KIND = "POOLGUARD_TEST_POSTGRES";
	static final String JDBC_URL = "POOLGUARD_TEST_JDBC_URL";
	static final String USERNAME = "POOLGUARD_TEST_USERNAME";
	static final String PASSWORD = "POOLGUARD_TEST_PASSWORD";
	static final String IMAGE = "POOLGUARD_TEST_POSTGRES_IMAGE";

	/** PostgreSQL 18, like the embedded binaries; alpine because it pulls fastest. */
	static final String DEFAULT_IMAGE = "postgres:18-alpine";

	static final String EMBEDDED = "embedded";
	static final String TESTCONTAINERS = "testcontainers";
	static final String EXTERNAL = "external";

	/** Each variable can also be given as a system property (handy as {@code ./mvnw -D...}). */
	private static final Map<String, String> SYSTEM_PROPERTIES = Map.of(
			KIND, "poolguard.test.postgres",
			JDBC_URL, "poolguard.test.jdbc-url",
			USERNAME, "poolguard.test.username",
			PASSWORD, "poolguard.test.password",
			IMAGE, "poolguard.test.postgres-image");

	private ServerSelection() {
	}

	/** What was chosen, with what it needs to start or connect. */
	record Choice(String kind, String reason, String jdbcUrl, String username, String password, String image) {

		@Override
		public String toString() {
			return kind + " (" + reason + ")";
		}
	}

	/**
	 * Forced kind first, then an external server when a URL is given, then Testcontainers when it
	 * is on the classpath and Docker answers, else embedded.
	 *
	 * @param testcontainersUsable asked only when the answer matters, because asking Docker is slow
	 */
	static Choice choose(Map<String, String> environment, BooleanSupplier testcontainersUsable) {
		String forced = blankToNull(environment.get(KIND));
		String url = blankToNull(environment.get(JDBC_URL));
		String username = environment.getOrDefault(USERNAME, "postgres");
		String password = environment.getOrDefault(PASSWORD, "postgres");
		String image = environment.getOrDefault(IMAGE, DEFAULT_IMAGE);
		if (forced != null) {
			switch (forced.toLowerCase(Locale.ROOT)) {
				case EXTERNAL:
					if (url == null) {
						throw new IllegalStateException(KIND + "=external needs " + JDBC_URL + " (and "
								+ USERNAME + " / " + PASSWORD + " unless they are postgres/postgres)");
					}
					return new Choice(EXTERNAL, KIND + "=external", url, username, password, image);
				case TESTCONTAINERS:
					if (!testcontainersUsable.getAsBoolean()) {
						throw new IllegalStateException(KIND + "=testcontainers, but Testcontainers ("
								+ "org.testcontainers:testcontainers-postgresql) is not on the test classpath or "
								+ "no Docker environment answers");
					}
					return new Choice(TESTCONTAINERS, KIND + "=testcontainers", null, null, null, image);
				case EMBEDDED:
					return new Choice(EMBEDDED, KIND + "=embedded", null, null, null, image);
				default:
					throw new IllegalStateException(KIND + " must be embedded, testcontainers or external, not '"
							+ forced + "'");
			}
		}
		if (url != null) {
			return new Choice(EXTERNAL, JDBC_URL + " is set", url, username, password, image);
		}
		if (testcontainersUsable.getAsBoolean()) {
			return new Choice(TESTCONTAINERS, "Testcontainers is on the classpath and Docker is available",
					null, null, null, image);
		}
		return new Choice(EMBEDDED, "no " + JDBC_URL + ", and no Testcontainers with Docker", null, null, null, image);
	}

	/** The process environment, overridden by the matching system properties. */
	static Map<String, String> environment() {
		Map<String, String> environment = new HashMap<>(System.getenv());
		SYSTEM_PROPERTIES.forEach((variable, property) -> {
			String value = System.getProperty(property);
			if (value != null) {
				environment.put(variable, value);
			}
		});
		return environment;
	}

	/** True when Testcontainers' PostgreSQL module is on the classpath and Docker answers. */
	static boolean testcontainersUsable() {
		ClassLoader loader = ServerSelection.class.getClassLoader();
		if (!ClassUtils.isPresent("org.testcontainers.postgresql.PostgreSQLContainer", loader)) {
			return false;
		}
		return TestcontainersPostgresServer.isDockerAvailable();
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.trim();
	}
}
