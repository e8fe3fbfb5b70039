package dev.poolguard.autoconfigure.compat;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Refuses to start PoolGuard on a Spring Boot line it does not support, with one message
 * that names the version found and the version needed, before any auto-configuration is
 * loaded.
 *
 * <p>
 * It runs as an {@link ApplicationListener} registered in {@code META-INF/spring.factories}
 * because that is the one startup hook whose registration and types are the same in Spring
 * Boot 3 and 4 ({@code EnvironmentPostProcessor} moved package in Boot 4). It listens to
 * the environment-prepared event, which {@code SpringApplication} raises inside its failure
 * handling, right after the logging system is set up, so the exception it throws is reported
 * by {@link UnsupportedSpringBootVersionFailureAnalyzer} as an "APPLICATION FAILED TO START"
 * report. It uses only types that both lines have.
 *
 * @author PoolGuard
 */
public final class SpringBootVersionCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	/** The oldest Spring Boot line PoolGuard supports. */
	static final int MINIMUM_MAJOR = 4;

	static final String MINIMUM = "4.0.0";

	/**
	 * A type that exists from Spring Boot 4.0 on: it tells the line when the jar carries no
	 * version (an application run from an IDE's output folders, a shaded jar).
	 */
	private static final String BOOT_4_TYPE = "org.springframework.boot.EnvironmentPostProcessor";

	/** Just after Boot's {@code LoggingApplicationListener}, so the report is logged as configured. */
	private static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 21;

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		check(SpringBootVersion.getVersion(),
				ClassUtils.isPresent(BOOT_4_TYPE, SpringBootVersionCheck.class.getClassLoader()));
	}

	/**
	 * Throws {@link UnsupportedSpringBootVersionException} unless the version is supported.
	 * @param version the version in Spring Boot's jar, or {@code null} when it has none
	 * @param boot4TypesPresent whether types that Spring Boot 4 introduced are present
	 */
	static void check(String version, boolean boot4TypesPresent) {
		Integer major = major(version);
		boolean supported = (major != null) ? major >= MINIMUM_MAJOR : boot4TypesPresent;
		if (!supported) {
			throw new UnsupportedSpringBootVersionException((version != null) ? version : "3.x or older", MINIMUM);
		}
	}

	private static Integer major(String version) {
		if (version == null) {
			return null;
		}
		int end = 0;
		while (end < version.length() && Character.isDigit(version.charAt(end))) {
			end++;
		}
		return (end > 0) ? Integer.valueOf(version.substring(0, end)) : null;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
