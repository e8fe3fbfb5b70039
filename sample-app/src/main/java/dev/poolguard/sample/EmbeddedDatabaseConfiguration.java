package dev.poolguard.sample;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts a real, embedded PostgreSQL when no database is configured, so that the sample
 * runs with one command on a machine that has nothing but a JDK. It reaches the pool as
 * {@link JdbcConnectionDetails}, the way Testcontainers' {@code @ServiceConnection} or
 * Docker Compose would.
 *
 * @author PoolGuard
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatabaseConfigured.class)
class EmbeddedDatabaseConfiguration {

	private static final Log logger = LogFactory.getLog(EmbeddedDatabaseConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres() {
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
	JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgres postgres) {
		String jdbcUrl = jdbcUrl(postgres);
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return "postgres";
			}

			@Override
			public String getPassword() {
				return "postgres";
			}

			@Override
			public String getJdbcUrl() {
				return jdbcUrl;
			}

		};
	}

	private static String jdbcUrl(EmbeddedPostgres postgres) {
		return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
	}

	static class NoDatabaseConfigured implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
		}

	}

}
