package dev.poolguard.autoconfigure.compat;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter does not bring resilience4j-micrometer: an application with Micrometer but
 * without it is told, once, which metrics it misses and what to add.
 */
@ExtendWith(OutputCaptureExtension.class)
class Resilience4jMetricsHintAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(Resilience4jMetricsHintAutoConfiguration.class));

	@Test
	void hintsWhenMicrometerIsThereButResilience4jsBindingIsNot(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader(TaggedCircuitBreakerMetrics.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).containsOnlyOnce("Add resilience4j-micrometer to export them");
			});
	}

	@Test
	void staysQuietWhenTheBindingIsThere(CapturedOutput output) {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).doesNotHaveBean("poolGuardResilience4jMetricsHint"));
		assertThat(output).doesNotContain("resilience4j-micrometer");
	}

	@Test
	void staysQuietWithoutAMeterRegistry(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader(TaggedCircuitBreakerMetrics.class))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("resilience4j-micrometer");
	}

	@Test
	void staysQuietWhenPoolGuardIsOff(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader(TaggedCircuitBreakerMetrics.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("poolguard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("poolGuardResilience4jMetricsHint"));
		assertThat(output).doesNotContain("resilience4j-micrometer");
	}

}
