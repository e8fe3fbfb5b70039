package dev.poolguard.autoconfigure.logging;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When PoolGuard quiets Hibernate's SQL error lines, and when it leaves the application's
 * choice alone.
 */
class HibernateLoggingEnvironmentPostProcessorTests {

	private final HibernateLoggingEnvironmentPostProcessor postProcessor = new HibernateLoggingEnvironmentPostProcessor();

	@Test
	void hibernateSqlErrorLinesAreOffByDefault() {
		MockEnvironment environment = postProcess(new MockEnvironment());
		assertThat(environment.getProperty("logging.level.org.hibernate.orm.jdbc.error")).isEqualTo("off");
		assertThat(environment.getProperty("logging.level.org.hibernate.engine.jdbc.spi.SqlExceptionHelper"))
			.isEqualTo("off");
	}

	@Test
	void levelChosenForTheCategoryIsKept() {
		MockEnvironment environment = postProcess(
				new MockEnvironment().withProperty("logging.level.org.hibernate.orm.jdbc.error", "warn"));
		assertThat(environment.getProperty("logging.level.org.hibernate.orm.jdbc.error")).isEqualTo("warn");
		assertThat(environment.getProperty("logging.level.org.hibernate.engine.jdbc.spi.SqlExceptionHelper"))
			.isEqualTo("off");
	}

	@Test
	void levelChosenForHibernateAsAWholeIsKept() {
		MockEnvironment environment = postProcess(
				new MockEnvironment().withProperty("logging.level.org.hibernate", "debug"));
		assertThat(environment.getPropertySources().contains(HibernateLoggingEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void rootLevelIsNotAChoiceAboutHibernate() {
		MockEnvironment environment = postProcess(new MockEnvironment().withProperty("logging.level.root", "warn"));
		assertThat(environment.getProperty("logging.level.org.hibernate.orm.jdbc.error")).isEqualTo("off");
	}

	@Test
	void nothingChangesWhenPoolGuardIsDisabled() {
		MockEnvironment environment = postProcess(new MockEnvironment().withProperty("poolguard.enabled", "false"));
		assertThat(environment.getProperty("logging.level.org.hibernate.orm.jdbc.error")).isNull();
	}

	private MockEnvironment postProcess(MockEnvironment environment) {
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
