package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link PostgresSettings} registers the extension by itself. */
@PostgresSettings("max_connections=20")
class AnnotationOnlyTest {

	@Test
	void annotationAloneInjectsTheServer(PostgresServer server) {
		assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("20");
	}
}
