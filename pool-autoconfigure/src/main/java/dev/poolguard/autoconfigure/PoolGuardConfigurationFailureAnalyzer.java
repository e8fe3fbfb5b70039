package dev.poolguard.autoconfigure;

import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link PoolGuardConfigurationException} into a startup report that names each
 * property, its value, why it cannot work and how to fix it.
 *
 * @author PoolGuard
 */
class PoolGuardConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PoolGuardConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PoolGuardConfigurationException cause) {
		StringBuilder description = new StringBuilder();
		description.append("PoolGuard cannot start the connection pool: ")
			.append((cause.getProblems().size() == 1) ? "one setting is wrong."
					: cause.getProblems().size() + " settings are wrong.")
			.append("\n");
		StringBuilder action = new StringBuilder("Fix the configuration (application.yml, environment variables or command line):\n");
		for (Problem problem : cause.getProblems()) {
			description.append("\n    ")
				.append(problem.property())
				.append(" = ")
				.append(problem.value())
				.append("\n        ")
				.append(problem.reason())
				.append('.');
			action.append("\n    ").append(problem.property()).append(": ").append(problem.fix());
		}
		action.append("\n\nEvery property, its default and why: docs/configuration.md");
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
