package dev.poolguard.sample;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Starts a real, embedded PostgreSQL when no database is configured, so that the sample
 * runs with one command on a machine that has nothing but a JDK. It reaches the pool as
 * {@link JdbcConnectionDetails}, the way Testcontainers' {@code @ServiceConnection} or
 * Docker Compose would.
 *
 * <p>
 * The choice between the embedded server and {@code spring.datasource.url} is made when the
 * beans are created, not by a condition on the configuration: Spring AOT ({@code
 * spring-boot:process-aot}, native images) evaluates conditions once, at build time, so a
 * condition on the URL would freeze the build machine's answer into the application and
 * {@code SPRING_DATASOURCE_URL} would be ignored at run time. The two beans below always
 * exist; with a URL configured the server is not started (its bean is {@code null}) and
 * the connection details are Spring Boot's own {@code spring.datasource.*} values.
 * Applications that bring their own {@link JdbcConnectionDetails} ({@code @ServiceConnection}
 * in a test) get neither.
 *
 * @author PoolGuard
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(value = JdbcConnectionDetails.class, ignored = EmbeddedDatabaseConfiguration.class)
class EmbeddedDatabaseConfiguration {

	private static final Log logger = LogFactory.getLog(EmbeddedDatabaseConfiguration.class);

	/**
	 * The embedded server, started only when {@code spring.datasource.url} is not set.
	 * @param properties Spring Boot's {@code spring.datasource.*} properties
	 * @return the started server, or {@code null} (no bean) when a URL is configured
	 */
	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(DataSourceProperties properties) {
		if (StringUtils.hasText(properties.getUrl())) {
			return null;
		}
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "100").start();
			logger.info("No spring.datasource.url set: started an embedded PostgreSQL at " + jdbcUrl(postgres)
					+ " (user postgres). Set SPRING_DATASOURCE_URL to use your own server.");
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL", ex);
		}
	}

	@Bean
	JdbcConnectionDetails sampleConnectionDetails(ObjectProvider<EmbeddedPostgres> embedded,
			DataSourceProperties properties) {
		EmbeddedPostgres postgres = embedded.getIfAvailable();
		if (postgres == null) {
			return connectionDetails(properties.determineUrl(), properties.determineUsername(),
					properties.determinePassword(), properties.determineDriverClassName());
		}
		return connectionDetails(jdbcUrl(postgres), "postgres", "postgres", "org.postgresql.Driver");
	}

	private static JdbcConnectionDetails connectionDetails(String jdbcUrl, String username, String password,
			String driverClassName) {
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return username;
			}

			@Override
			public String getPassword() {
				return password;
			}

			@Override
			public String getJdbcUrl() {
				return jdbcUrl;
			}

			@Override
			public String getDriverClassName() {
				return driverClassName;
			}

		};
	}

	private static String jdbcUrl(EmbeddedPostgres postgres) {
		return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
	}

}
