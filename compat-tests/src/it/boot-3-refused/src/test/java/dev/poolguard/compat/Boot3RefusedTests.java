package dev.poolguard.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring Boot 3 with PoolGuard's starter: startup stops at once with PoolGuard's report,
 * naming the version found and the one needed, and the classpath holds only Boot 3 modules
 * (the starter forces no Boot 4 module onto it).
 */
@ExtendWith(OutputCaptureExtension.class)
class Boot3RefusedTests {

	@Test
	void startupIsRefusedWithOneClearMessage(CapturedOutput output) {
		String version = System.getProperty("expected.boot.version");
		assertThat(SpringBootVersion.getVersion()).isEqualTo(version);
		assertThatThrownBy(() -> SpringApplication.run(Boot3Application.class, "--server.port=0"))
			.hasMessage("PoolGuard requires Spring Boot 4.0.0 or later, but this application runs on Spring Boot "
					+ version + ".");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("runs on Spring Boot " + version)
			.contains("Upgrade the application to Spring Boot 4.0 or later, or remove the PoolGuard dependency")
			.doesNotContain("BeanDefinitionOverrideException");
	}

	@Test
	void noSpringBoot4ModuleIsOnTheClasspath() throws IOException {
		Map<String, String> bootJars = new TreeMap<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
			try (InputStream in = url.openStream()) {
				Attributes attributes = new Manifest(in).getMainAttributes();
				String module = attributes.getValue("Automatic-Module-Name");
				if (module != null && (module.equals("spring.boot") || module.startsWith("spring.boot."))) {
					bootJars.put(module, attributes.getValue("Implementation-Version"));
				}
			}
		}
		assertThat(bootJars).containsKey("spring.boot").doesNotContainKeys("spring.boot.jdbc", "spring.boot.sql");
		assertThat(bootJars).allSatisfy(
				(module, version) -> assertThat(version).as(module).isEqualTo(System.getProperty("expected.boot.version")));
	}

}
