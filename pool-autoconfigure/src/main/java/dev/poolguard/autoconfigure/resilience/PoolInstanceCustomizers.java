package dev.poolguard.autoconfigure.resilience;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

import dev.poolguard.autoconfigure.pool.PerPoolProperties;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
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
		Binder binder = Binder.get(this.environment);
		for (String instance : configuredInstances("circuitbreaker")) {
			String pool = instance.substring(PREFIX.length());
			register(registry, "poolGuardCircuitBreakerConfigCustomizer-" + pool,
					new RootBeanDefinition(CircuitBreakerConfigCustomizer.class,
							() -> CircuitBreakerConfigCustomizer.of(instance,
									(builder) -> ResilienceConfigs.apply(builder,
											PerPoolProperties.bind(binder, pool).getCircuitBreaker(),
											(key) -> isSet(binder, "circuitbreaker", instance, key)))));
		}
		for (String instance : configuredInstances("retry")) {
			String pool = instance.substring(PREFIX.length());
			register(registry, "poolGuardRetryConfigCustomizer-" + pool, new RootBeanDefinition(
					RetryConfigCustomizer.class,
					() -> RetryConfigCustomizer.of(instance,
							(builder) -> ResilienceConfigs.apply(builder, PerPoolProperties.bind(binder, pool).getRetry(),
									(key) -> isSet(binder, "retry", instance, key)))));
		}
	}

	private static void register(BeanDefinitionRegistry registry, String beanName, RootBeanDefinition definition) {
		if (!registry.containsBeanDefinition(beanName)) {
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	/** The {@code poolguard-*} instance names, as written, under {@code resilience4j.<group>.instances}. */
	private Set<String> configuredInstances(String group) {
		ConfigurationPropertyName instances = ConfigurationPropertyName.of("resilience4j." + group + ".instances");
		Set<String> names = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				try (Stream<ConfigurationPropertyName> all = iterable.stream()) {
					all.filter((name) -> instances.isAncestorOf(name) && name.getNumberOfElements() > 4)
						.map((name) -> name.getElement(3, ConfigurationPropertyName.Form.ORIGINAL))
						.filter((name) -> name.startsWith(PREFIX) && name.length() > PREFIX.length())
						.forEach(names::add);
				}
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
