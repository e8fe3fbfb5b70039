package dev.poolguard.autoconfigure.budget;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --poolguard.verify=true} starts the application only as far as the check needs.
 */
class VerifyModeEnvironmentPostProcessorTests {

	private final VerifyModeEnvironmentPostProcessor postProcessor = new VerifyModeEnvironmentPostProcessor();

	@Test
	void verifyModeStartsNoWebServerAndCreatesBeansLazily() {
		MockEnvironment environment = new MockEnvironment().withProperty("poolguard.verify", "true")
			.withProperty("spring.main.web-application-type", "servlet");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.main.web-application-type")).isEqualTo("none");
		assertThat(environment.getProperty("spring.main.lazy-initialization")).isEqualTo("true");
	}

	@Test
	void withoutVerifyTheApplicationStartsAsConfigured() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains(VerifyModeEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void disabledPoolGuardVerifiesNothing() {
		MockEnvironment environment = new MockEnvironment().withProperty("poolguard.verify", "true")
			.withProperty("poolguard.enabled", "false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.main.web-application-type")).isNull();
	}

	@Test
	void malformedVerifyValueIsLeftToPropertyBinding() {
		MockEnvironment environment = new MockEnvironment().withProperty("poolguard.verify", "perhaps");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.main.web-application-type")).isNull();
	}

}
