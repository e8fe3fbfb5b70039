package dev.poolguard.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public property of the design contract reaches the IDE (described, with its
 * default) and the user documentation.
 */
class ConfigurationMetadataTests {

	/** The properties of DESIGN.md's table, with its {@code retry.*}-style rows spelled out. */
	private static final List<String> DESIGNED_PROPERTIES = List.of("enabled", "connection-limit", "min-idle",
			"pool-timeout", "statement-cache-size", "statement-cache-size-mib", "prepare-threshold", "idle-timeout",
			"max-lifetime", "keepalive-time", "validation-timeout", "leak-detection-threshold", "socket-timeout",
			"connect-timeout", "tcp-keep-alive", "application-name", "driver-properties", "instances",
			"reserved-connections", "budget.mode", "verify", "retry.enabled", "retry.max-attempts",
			"retry.initial-backoff", "retry.max-backoff", "retry.multiplier", "retry.jitter", "circuit-breaker.enabled",
			"circuit-breaker.failure-rate-threshold", "circuit-breaker.sliding-window-size",
			"circuit-breaker.minimum-number-of-calls", "circuit-breaker.wait-duration-in-open-state",
			"circuit-breaker.permitted-calls-in-half-open-state", "max-waiting", "health.saturation-threshold",
			"server-metrics.enabled", "server-metrics.interval", "endpoint.resize-enabled");

	@Test
	void everyDesignedPropertyIsInTheMetadataWithADescription() throws IOException {
		List<Map<String, Object>> properties = metadataProperties();
		for (String name : DESIGNED_PROPERTIES) {
			assertThat(properties).as("poolguard.%s in spring-configuration-metadata.json", name)
				.anySatisfy((property) -> {
					assertThat(property.get("name")).isEqualTo("poolguard." + name);
					assertThat((String) property.get("description")).isNotBlank();
				});
		}
	}

	@Test
	void everyPropertyWithADefaultShowsItInTheMetadata() throws IOException {
		List<String> withoutDefault = List.of("poolguard.min-idle", "poolguard.application-name",
				"poolguard.driver-properties", "poolguard.expect-primary", "poolguard.pooler.admin-url",
				"poolguard.pooler.admin-username", "poolguard.pooler.admin-password", "poolguard.pools",
				"poolguard.replica.url", "poolguard.replica.username", "poolguard.replica.password");
		assertThat(metadataProperties()).filteredOn((property) -> !withoutDefault.contains(property.get("name")))
			.allSatisfy((property) -> assertThat(property).as("%s", property.get("name")).containsKey("defaultValue"));
	}

	@Test
	void everyPropertyIsDocumentedInTheConfigurationGuide() throws IOException {
		String guide = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
		assertThat(metadataProperties())
			.allSatisfy((property) -> assertThat(guide).contains("`" + property.get("name") + "`"));
	}

	private static List<Map<String, Object>> metadataProperties() throws IOException {
		try (InputStream metadata = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("generated configuration metadata").isNotNull();
			return JsonPath.read(metadata, "$.properties[?(@.name =~ /poolguard\\..*/)]");
		}
	}

}
