package dev.poolguard.test;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Injects the shared {@link PostgresServer} into test constructors, test methods and lifecycle
 * methods: the one with the settings of the class's {@link PostgresSettings}, or default settings.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class MyTest {
 *     @Test
 *     void works(PostgresServer server) { ... server.jdbcUrl() ... }
 * }
 * }</pre>
 *
 * <p>Against an external server that lacks the class's settings, the class's tests are aborted
 * (reported as skipped), not failed.
 */
public final class PostgresExtension implements ParameterResolver, BeforeAllCallback, TestInstancePreConstructCallback {

	// JUnit wraps whatever a ParameterResolver throws in a ParameterResolutionException, which
	// fails the test; an abort must therefore happen in a callback that runs first.
	@Override
	public void beforeAll(ExtensionContext context) {
		PostgresServers.abortUnlessExternalServerHas(settings(context.getRequiredTestClass()));
	}

	// With @TestInstance(PER_CLASS) the instance is built before beforeAll runs.
	@Override
	public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
		PostgresServers.abortUnlessExternalServerHas(settings(factoryContext.getTestClass()));
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == PostgresServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Map<String, String> settings = settings(extensionContext.getRequiredTestClass());
		return PostgresServers.shared(settings);
	}

	/** The settings of the nearest {@link PostgresSettings}, looking outwards through {@code @Nested} classes. */
	static Map<String, String> settings(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			Optional<PostgresSettings> annotation = AnnotationSupport.findAnnotation(type, PostgresSettings.class);
			if (annotation.isPresent()) {
				return parse(annotation.get().value(), type);
			}
		}
		return Map.of();
	}

	private static Map<String, String> parse(String[] pairs, Class<?> declaredOn) {
		Map<String, String> settings = new TreeMap<>();
		for (String pair : pairs) {
			int equals = pair.indexOf('=');
			if (equals <= 0) {
				throw new ParameterResolutionException("@PostgresSettings on " + declaredOn.getName()
						+ " needs name=value pairs, got '" + pair + "'");
			}
			settings.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
		}
		return settings;
	}
}
