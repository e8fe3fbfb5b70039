package dev.poolguard.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out free loopback ports and remembers them, so a port owned by a stopped server (which must
 * get it back on start) is never handed to another server or proxy of this JVM.
 */
final class FreePorts {

	private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();

	private FreePorts() {
	}

	static int reserve() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			} catch (IOException e) {
				throw new UncheckedIOException("Cannot find a free port", e);
			}
			if (RESERVED.add(port)) {
				return port;
			}
		}
		throw new IllegalStateException("Cannot find a free port that this JVM has not reserved already");
	}

	static void release(int port) {
		RESERVED.remove(port);
	}
}
