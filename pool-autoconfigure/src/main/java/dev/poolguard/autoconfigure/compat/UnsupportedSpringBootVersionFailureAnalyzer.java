package dev.poolguard.autoconfigure.compat;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link UnsupportedSpringBootVersionException}: the Spring Boot version found,
 * the one PoolGuard needs, and the two ways out. Only types that Spring Boot 3 and 4 share.
 *
 * @author PoolGuard
 */
class UnsupportedSpringBootVersionFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedSpringBootVersionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedSpringBootVersionException cause) {
		String description = "PoolGuard (dev.poolguard:poolguard-spring-boot-starter) requires Spring Boot "
				+ cause.getRequired() + " or later (tested: 4.0.x and 4.1.x), but this application runs on Spring Boot "
				+ cause.getFound() + ". PoolGuard stopped startup before configuring anything.";
		String action = "Upgrade the application to Spring Boot 4.0 or later, or remove the PoolGuard dependency. "
				+ "Supported versions: docs/compatibility.md";
		return new FailureAnalysis(description, action, cause);
	}

}
