package dev.poolguard.autoconfigure.compat;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationListener;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Spring Boot version check: Boot 4 passes, Boot 3 (found by its version or, in a jar
 * without one, by the missing Boot 4 types) is refused with one message naming both
 * versions. The refusal on a real Boot 3.5 application is run by compat-tests.
 */
class SpringBootVersionCheckTests {

	@Test
	void acceptsTheSpringBootLinesPoolGuardSupports() {
		for (String version : List.of("4.0.0", "4.0.9", "4.1.2", "4.2.0-SNAPSHOT", "5.0.0-M1")) {
			assertThatNoException().as(version).isThrownBy(() -> SpringBootVersionCheck.check(version, true));
		}
	}

	@Test
	void acceptsTheSpringBootThisBuildRunsOn() {
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check(SpringBootVersion.getVersion(), true));
		assertThatNoException().isThrownBy(() -> new SpringBootVersionCheck().onApplicationEvent(null));
	}

	@Test
	void refusesSpringBoot3NamingTheVersionFoundAndTheOneNeeded() {
		assertThatThrownBy(() -> SpringBootVersionCheck.check("3.5.7", false))
			.isInstanceOf(UnsupportedSpringBootVersionException.class)
			.hasMessage("PoolGuard requires Spring Boot 4.0.0 or later, but this application runs on Spring Boot 3.5.7.");
	}

	@Test
	void refusesByTheMissingBoot4TypesWhenTheJarCarriesNoVersion() {
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check(null, true));
		assertThatThrownBy(() -> SpringBootVersionCheck.check(null, false))
			.isInstanceOf(UnsupportedSpringBootVersionException.class)
			.hasMessageContaining("Spring Boot 3.x or older");
	}

	@Test
	void theFailureReportSaysWhatToDo() {
		UnsupportedSpringBootVersionException failure = new UnsupportedSpringBootVersionException("3.5.7", "4.0.0");
		FailureAnalysis analysis = new UnsupportedSpringBootVersionFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("requires Spring Boot 4.0.0 or later")
			.contains("runs on Spring Boot 3.5.7");
		assertThat(analysis.getAction()).contains("Upgrade the application to Spring Boot 4.0 or later")
			.contains("remove the PoolGuard dependency");
	}

	@Test
	void isRegisteredWhereSpringBoot3AndSpringBoot4BothLookForIt() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ApplicationListener.class))
			.anySatisfy((listener) -> assertThat(listener).isInstanceOf(SpringBootVersionCheck.class));
		assertThat(new SpringApplication().getListeners())
			.anySatisfy((listener) -> assertThat(listener).isInstanceOf(SpringBootVersionCheck.class));
	}

}
