package dev.poolguard.autoconfigure.resilience;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.poolguard.autoconfigure.pool.ConfiguredKeys;
import dev.poolguard.autoconfigure.pool.PerPoolProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import io.github.resilience4j.retry.RetryConfig;

import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Makes a pool's PoolGuard settings the defaults of its {@code poolguard-<bean name>}
 * Resilience4j instances when resilience4j-spring-boot4 creates them from
 * {@code resilience4j.circuitbreaker.instances.poolguard-<bean name>.*} or
 * {@code resilience4j.retry.instances.poolguard-<bean name>.*}, so that a property set
 * there overrides only itself, as it does for {@code poolguard}. A customizer is one
 * bean per instance name, and the pools' names are known only from the configuration:
 * one is registered for each such instance configured.
 *
 * @author PoolGuard
 */
final class PoolInstanceCustomizers implements BeanDefinitionRegistryPostProcessor {

	private static final String PREFIX = AcquisitionResilience.INSTANCE_NAME + "-";

	private final Environment environment;

	PoolInstanceCustomizers(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		for (String instance : configuredInstances("circuitbreaker")) {
			register(registry, "poolGuardCircuitBreakerConfigCustomizer-" + instance.substring(PREFIX.length()),
					PoolCircuitBreakerCustomizer.class, instance);
		}
		for (String instance : configuredInstances("retry")) {
			register(registry, "poolGuardRetryConfigCustomizer-" + instance.substring(PREFIX.length()),
					PoolRetryCustomizer.class, instance);
		}
	}

	/**
	 * A definition of plain values and a reference, which Spring AOT can write as code.
	 */
	private static void register(BeanDefinitionRegistry registry, String beanName, Class<?> type, String instance) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, instance);
		definition.getConstructorArgumentValues()
			.addIndexedArgumentValue(1, new RuntimeBeanReference(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME));
		registry.registerBeanDefinition(beanName, definition);
	}

	/** The bean name of an instance's pool: {@code poolguard} is Spring Boot's own. */
	private static String poolOf(String instance) {
		return instance.startsWith(PREFIX) ? instance.substring(PREFIX.length()) : "dataSource";
	}

	/**
	 * The pool's PoolGuard breaker settings, as the defaults of its instance.
	 */
	static final class PoolCircuitBreakerCustomizer implements CircuitBreakerConfigCustomizer {

		private final String instance;

		private final Environment environment;

		PoolCircuitBreakerCustomizer(String instance, Environment environment) {
			this.instance = instance;
			this.environment = environment;
		}

		@Override
		public void customize(CircuitBreakerConfig.Builder builder) {
			Binder binder = Binder.get(this.environment);
			ResilienceConfigs.apply(builder, PerPoolProperties.bind(binder, poolOf(this.instance)).getCircuitBreaker(),
					(key) -> isSet(binder, "circuitbreaker", this.instance, key));
		}

		@Override
		public String name() {
			return this.instance;
		}

	}

	/**
	 * The pool's PoolGuard retry settings, as the defaults of its instance.
	 */
	static final class PoolRetryCustomizer implements RetryConfigCustomizer {

		private final String instance;

		private final Environment environment;

		PoolRetryCustomizer(String instance, Environment environment) {
			this.instance = instance;
			this.environment = environment;
		}

		@Override
		public void customize(RetryConfig.Builder builder) {
			Binder binder = Binder.get(this.environment);
			ResilienceConfigs.apply(builder, PerPoolProperties.bind(binder, poolOf(this.instance)).getRetry(),
					(key) -> isSet(binder, "retry", this.instance, key));
		}

		@Override
		public String name() {
			return this.instance;
		}

	}

	/** The {@code poolguard-*} instance names, as written, under {@code resilience4j.<group>.instances}. */
	private Set<String> configuredInstances(String group) {
		Set<String> names = new LinkedHashSet<>();
		for (String instance : ConfiguredKeys.under(this.environment, "resilience4j." + group + ".instances")) {
			if (instance.startsWith(PREFIX) && instance.length() > PREFIX.length()) {
				names.add(instance);
			}
		}
		return names;
	}

	static boolean isSet(Binder binder, String group, String instance, String key) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of("resilience4j." + group + ".instances")
			.append(ConfigurationPropertyName.adapt(instance, '.'))
			.append(key);
		return binder.bind(name, Bindable.of(String.class)).isBound();
	}

}
